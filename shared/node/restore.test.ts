// A validator restarted mid-slot restores its own latest statements from what it persisted and
// never contradicts them: no ballot below the saved one, no other value once it confirmed, no
// nomination vote withdrawn; and the network goes on closing identical ledgers.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { encode } from '../codec/dag-cbor.ts'
import { isNewerBallotStatement } from '../scp/ballot-rules.ts'
import { DEFAULT_SCP_LIMITS, decodeEnvelope, type Statement } from '../scp/index.ts'
import { bytesEqual } from '../util/bytes.ts'
import { decodeScpMessage } from './messages.ts'
import type { SavedEnvelopes } from './own-envelopes.ts'
import { createTestNet } from './test/net.ts'

const seed = Number(process.env.SEED ?? 5)

const statementsOf = (saved: SavedEnvelopes | undefined): Statement[] =>
  (saved?.envelopes ?? []).flatMap((b) => {
    const d = decodeEnvelope(b, DEFAULT_SCP_LIMITS)
    return d.ok ? [d.value.statement] : []
  })

test(`a validator reloaded mid-slot resumes from its persisted envelopes (seed ${seed})`, async () => {
  const net = createTestNet(4, seed)
  let saved: SavedEnvelopes | undefined
  const store = {
    load: async () => saved,
    save: async (s: SavedEnvelopes) => {
      saved = s
    },
  }
  net.makeNode(0, { ports: { ownEnvelopes: store } })
  for (let i = 1; i < 4; i++) net.makeNode(i)
  for (const n of net.nodes) await n!.start()
  await net.run(4000)

  // step until node 0 has persisted a ballot statement beyond PREPARE of its first ballot
  const old = net.nodes[0]!
  const ballotOf = () => statementsOf(saved).find((s) => s.type !== 'nominate')
  for (let i = 0; i < 100_000; i++) {
    await old.settled()
    const b = ballotOf()
    if (b && b.slot === old.current().header.seq + 1 && (b.type !== 'prepare' || b.prepared)) break
    assert.ok(await net.clock.step(Number.POSITIVE_INFINITY), 'clock ran dry')
  }
  const before = ballotOf()
  assert.ok(before, 'node 0 saved a ballot statement')
  const nominated = statementsOf(saved).find((s) => s.type === 'nominate')
  const slot = before.slot
  old.stop()

  // the restarted node: same ledger state, same store; collect what it says for that slot
  const said: Statement[] = []
  const restarted = net.makeNode(0, {
    state: old.current(),
    ports: { ownEnvelopes: store },
    tap: (kind, data) => {
      const m = kind === 'scp' ? decodeScpMessage(data) : undefined
      const d = m?.type === 'envelope' ? decodeEnvelope(m.env, DEFAULT_SCP_LIMITS) : undefined
      if (d?.ok && d.value.statement.slot === slot) said.push(d.value.statement)
    },
  })
  await restarted.start()
  assert.ok((restarted.status().counters.restored_envelopes ?? 0) >= 1, 'restored its envelopes')
  await net.run(6000)

  const ballots = said.filter((s) => s.type !== 'nominate')
  assert.ok(ballots.length > 0, 'the restarted node spoke on that slot again')
  for (const b of ballots) {
    assert.ok(
      isNewerBallotStatement(before, b) || bytesEqual(encode(b), encode(before)),
      `restarted node went back: ${b.type} after ${before.type} (seed ${seed})`,
    )
    if (before.type !== 'prepare') assert.notEqual(b.type, 'prepare', 'a confirmed node never prepares again')
  }
  if (nominated?.type === 'nominate')
    for (const s of said)
      if (s.type === 'nominate')
        for (const v of nominated.votes)
          assert.ok(
            s.votes.some((x) => bytesEqual(x, v)),
            'a nomination vote was withdrawn',
          )
  const seqs = net.seqs()
  assert.ok(Math.min(...seqs) > slot + 2, `the network went on closing: ${seqs}`)
  assert.equal(net.agreeOnEveryLedger(), undefined, `seed ${seed}`)
})

// An insertion-ordered map that forgets its oldest entries beyond a limit: every cache and
// archive of the consensus node is one of these.
export class BoundedMap<K, V> extends Map<K, V> {
  readonly limit: number
  constructor(limit: number) {
    super()
    this.limit = limit
  }
  override set(k: K, v: V): this {
    if (!this.has(k) && this.size >= this.limit) this.delete(this.keys().next().value as K)
    return super.set(k, v)
  }
}

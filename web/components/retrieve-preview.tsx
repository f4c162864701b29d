// What a fetched file looks like before it is saved: an image shown, the start of a text file
// printed, anything else only offered for download. The type is read from the bytes (a CID says
// nothing of it), from their first few KiB only.
import { useEffect, useState } from 'preact/hooks'

type Preview =
  | { readonly kind: 'image' }
  | { readonly kind: 'text'; readonly text: string; readonly more: boolean }
  | { readonly kind: 'none' }

const SNIFF_BYTES = 4096
const TEXT_CHARS = 1200

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) => sig.every((x, i) => b[at + i] === x)

const isImage = (b: Uint8Array): boolean =>
  startsWith(b, [0x89, 0x50, 0x4e, 0x47]) || // PNG
  startsWith(b, [0xff, 0xd8, 0xff]) || // JPEG
  startsWith(b, [0x47, 0x49, 0x46, 0x38]) || // GIF
  (startsWith(b, [0x52, 0x49, 0x46, 0x46]) && startsWith(b, [0x57, 0x45, 0x42, 0x50], 8)) // WebP

/** Text when it decodes as UTF-8 (a character cut at the end aside) with no control bytes but tabs and newlines. */
const asText = (b: Uint8Array): string | undefined => {
  const text = new TextDecoder('utf-8').decode(b)
  const body = text.replace(/\uFFFD{1,3}$/, '')
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control bytes mark a binary file
  return /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFD]/.test(body) ? undefined : body
}

const sniff = async (blob: Blob): Promise<Preview> => {
  const head = new Uint8Array(await blob.slice(0, SNIFF_BYTES).arrayBuffer())
  if (isImage(head)) return { kind: 'image' }
  const text = head.length > 0 ? asText(head) : undefined
  if (text === undefined) return { kind: 'none' }
  const more = blob.size > head.length || text.length > TEXT_CHARS
  return { kind: 'text', text: text.slice(0, TEXT_CHARS), more }
}

export const RetrievePreview = ({ blob, url }: { blob: Blob; url: string }) => {
  const [preview, setPreview] = useState<Preview>({ kind: 'none' })
  useEffect(() => void sniff(blob).then(setPreview), [blob])
  if (preview.kind === 'image')
    return <img src={url} alt="the fetched file" data-testid="retrieve-preview" class="retrieve-preview" />
  if (preview.kind === 'text')
    return (
      <pre data-testid="retrieve-preview" class="retrieve-preview mono">
        {preview.text}
        {preview.more ? '…' : ''}
      </pre>
    )
  return null
}

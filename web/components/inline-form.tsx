// One text input and its submit button on a line (adding a circle member, accepting an invite),
// and optionally a Scan button that reads the text from a QR code instead of the keyboard. Typed
// or scanned, the text goes to `onText`.
import { useState } from 'preact/hooks'
import { QrScanner } from './qr-scanner.tsx'

export const InlineForm = (props: {
  value: string
  onInput: (text: string) => void
  onText: (text: string) => void
  placeholder: string
  testids: { input: string; submit: string; scan?: string }
  submitLabel: string
  disabled: boolean
  class?: string
}) => {
  const [scanning, setScanning] = useState(false)
  const { testids } = props
  return (
    <div class={props.class}>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault()
          props.onText(props.value)
        }}
      >
        <input
          class="mono"
          data-testid={testids.input}
          placeholder={props.placeholder}
          value={props.value}
          onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="btn" data-testid={testids.submit} disabled={props.disabled}>
          {props.submitLabel}
        </button>
        {testids.scan && (
          <button
            type="button"
            class="btn secondary"
            data-testid={testids.scan}
            disabled={props.disabled}
            aria-expanded={scanning}
            title="Scan a QR code"
            onClick={() => setScanning(!scanning)}
          >
            Scan
          </button>
        )}
      </form>
      {scanning && (
        <QrScanner
          onClose={() => setScanning(false)}
          onText={(text) => {
            setScanning(false)
            props.onText(text)
          }}
        />
      )}
    </div>
  )
}

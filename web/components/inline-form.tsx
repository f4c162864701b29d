// One text input and its submit button on a line (adding a circle member, accepting an invite),
// and optionally a Scan button that reads the text from a QR code instead of the keyboard.
import type { JSX } from 'preact'
import { useState } from 'preact/hooks'
import { QrScanner } from './qr-scanner.tsx'

export const InlineForm = (props: {
  value: string
  onInput: (text: string) => void
  onSubmit: (e: JSX.TargetedSubmitEvent<HTMLFormElement>) => void
  placeholder: string
  inputTestid: string
  submitTestid: string
  submitLabel: string
  disabled: boolean
  class?: string
  /** A Scan button (this testid) whose QR code's text goes to `onText`. */
  scan?: { testid: string; onText: (text: string) => void }
}) => {
  const [scanning, setScanning] = useState(false)
  return (
    <div class={props.class}>
      <form onSubmit={props.onSubmit} class="inline-form">
        <input
          class="mono"
          data-testid={props.inputTestid}
          placeholder={props.placeholder}
          value={props.value}
          onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
        />
        <button type="submit" class="btn" data-testid={props.submitTestid} disabled={props.disabled}>
          {props.submitLabel}
        </button>
        {props.scan && (
          <button
            type="button"
            class="btn secondary"
            data-testid={props.scan.testid}
            disabled={props.disabled}
            aria-expanded={scanning}
            title="Scan a QR code"
            onClick={() => setScanning(!scanning)}
          >
            Scan
          </button>
        )}
      </form>
      {scanning && props.scan && (
        <QrScanner
          onClose={() => setScanning(false)}
          onText={(text) => {
            setScanning(false)
            props.scan!.onText(text)
          }}
        />
      )}
    </div>
  )
}

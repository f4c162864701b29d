// One text input and its submit button on a line: adding a circle member, accepting an invite.
import type { JSX } from 'preact'

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
}) => (
  <form onSubmit={props.onSubmit} class={`inline-form ${props.class ?? ''}`}>
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
  </form>
)

/** The longest quoted value in a message. */
const MAX_QUOTED = 80;

/** A value for an error message: JSON, cut to {@link MAX_QUOTED} characters; `nothing` for undefined. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}… (${text.length} characters)` : text;
}

/** A path for a message: JSON-quoted, cut like {@link describeValue}. */
export function quotePath(path: string): string {
  return describeValue(path);
}

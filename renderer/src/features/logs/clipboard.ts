/**
 * Puts text on the clipboard: the async Clipboard API first; where it is missing or refused (an
 * insecure origin, or a window whose permission requests are all denied), the `copy` command,
 * which only needs the user's gesture. Resolves to whether the text got there.
 */
export async function copyText(text: string, doc: Document = document): Promise<boolean> {
  const clipboard = doc.defaultView?.navigator.clipboard;
  if (clipboard && typeof clipboard.writeText === 'function') {
    try {
      await clipboard.writeText(text);
      return true;
    } catch {
      // Fall through to the command.
    }
  }
  return copyWithCommand(text, doc);
}

/* eslint-disable @typescript-eslint/no-deprecated -- the one way to copy without the Clipboard API */
function copyWithCommand(text: string, doc: Document): boolean {
  if (typeof doc.execCommand !== 'function') return false;
  let written = false;
  const onCopy = (event: ClipboardEvent): void => {
    if (!event.clipboardData) return;
    event.clipboardData.setData('text/plain', text);
    event.preventDefault();
    written = true;
  };
  doc.addEventListener('copy', onCopy, true);
  try {
    return doc.execCommand('copy') && written;
  } catch {
    return false;
  } finally {
    doc.removeEventListener('copy', onCopy, true);
  }
}
/* eslint-enable @typescript-eslint/no-deprecated */

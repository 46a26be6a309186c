/**
 * Saves text as a file through the browser's download path. In Electron the main process turns
 * the download into a save dialog, so the renderer never needs file-system access.
 */
export function saveTextFile(fileName: string, text: string, type = 'text/plain;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoked later: some engines read the blob asynchronously after click().
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

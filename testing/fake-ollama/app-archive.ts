import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { zip, type ZipEntry } from '../../electron/services/platform/zip';

/**
 * A stand-in for Ollama's macOS download (Ollama-darwin.zip): Ollama.app with the real bundle
 * id, layout and a server binary at Contents/Resources/ollama, which here runs the stand-in
 * `ollama` (testing/bin/ollama), so an installed app really serves.
 */
export const standInOllama = resolve(fileURLToPath(new URL('../bin/ollama', import.meta.url)));

const infoPlist = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>CFBundleExecutable</key>
  <string>Ollama</string>
  <key>CFBundleIdentifier</key>
  <string>com.electron.ollama</string>
  <key>CFBundleName</key>
  <string>Ollama</string>
  <key>CFBundleShortVersionString</key>
  <string>0.12.6</string>
  <key>LSUIElement</key>
  <true/>
</dict>
</plist>
`;

export function ollamaAppEntries(): ZipEntry[] {
  const server = `#!/bin/sh\nexec "${standInOllama}" "$@"\n`;
  return [
    { name: 'Ollama.app/' },
    { name: 'Ollama.app/Contents/' },
    { name: 'Ollama.app/Contents/Info.plist', content: infoPlist },
    { name: 'Ollama.app/Contents/MacOS/' },
    { name: 'Ollama.app/Contents/MacOS/Ollama', content: '#!/bin/sh\nexit 0\n', mode: 0o755 },
    { name: 'Ollama.app/Contents/Resources/' },
    { name: 'Ollama.app/Contents/Resources/ollama', content: server, mode: 0o755 },
    { name: 'Ollama.app/Contents/Resources/icon.icns', content: Buffer.alloc(4096, 7) },
  ];
}

export function ollamaAppArchive(): Buffer {
  return zip(ollamaAppEntries());
}

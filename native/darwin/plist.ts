// A small reader for XML property lists (`diskutil info -plist`), enough for the value types Apple's
// DTD defines: dict, array, string, integer, real, true, false, date, data. Written by hand so the
// station carries no XML dependency for one macOS command.

export type PlistValue = string | number | boolean | Date | Uint8Array | PlistValue[] | { [key: string]: PlistValue };

type Token = { kind: 'open' | 'close' | 'empty'; name: string } | { kind: 'text'; text: string };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_m, e: string) => {
    switch (e) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default:
        return String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    }
  });
}

function tokenize(xml: string): Token[] {
  const tokens: Token[] = [];
  const re = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([A-Za-z][\w.-]*)[^>]*?(\/?)>|([^<]+)/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    if (m[1] !== undefined) tokens.push({ kind: 'text', text: m[1] });
    else if (m[3] !== undefined) tokens.push({ kind: m[2] ? 'close' : m[4] ? 'empty' : 'open', name: m[3] });
    else if (m[5] !== undefined) tokens.push({ kind: 'text', text: decodeEntities(m[5]) });
  }
  return tokens;
}

export function parsePlist(xml: string): PlistValue {
  const tokens = tokenize(xml);
  let i = 0;
  const skipWhitespace = (): void => {
    while (i < tokens.length) {
      const t = tokens[i]!;
      if (t.kind === 'text' && t.text.trim() === '') i++;
      else break;
    }
  };
  const readText = (name: string): string => {
    let text = '';
    while (i < tokens.length) {
      const t = tokens[i]!;
      if (t.kind === 'text') {
        text += t.text;
        i++;
      } else if (t.kind === 'close' && t.name === name) {
        i++;
        return text;
      } else throw new Error(`plist: unexpected <${t.name}> inside <${name}>`);
    }
    throw new Error(`plist: unterminated <${name}>`);
  };
  const readValue = (): PlistValue => {
    skipWhitespace();
    const t = tokens[i++];
    if (!t || t.kind === 'text' || t.kind === 'close') throw new Error('plist: expected a value');
    if (t.kind === 'empty') {
      switch (t.name) {
        case 'true':
          return true;
        case 'false':
          return false;
        case 'string':
          return '';
        case 'dict':
          return {};
        case 'array':
          return [];
        case 'data':
          return new Uint8Array();
        default:
          throw new Error(`plist: unexpected <${t.name}/>`);
      }
    }
    switch (t.name) {
      case 'dict': {
        const out: { [key: string]: PlistValue } = {};
        for (;;) {
          skipWhitespace();
          const next = tokens[i];
          if (next?.kind === 'close' && next.name === 'dict') {
            i++;
            return out;
          }
          if (next?.kind !== 'open' || next.name !== 'key') throw new Error('plist: expected <key> in <dict>');
          i++;
          const key = readText('key');
          out[key] = readValue();
        }
      }
      case 'array': {
        const out: PlistValue[] = [];
        for (;;) {
          skipWhitespace();
          const next = tokens[i];
          if (next?.kind === 'close' && next.name === 'array') {
            i++;
            return out;
          }
          out.push(readValue());
        }
      }
      case 'plist': {
        const v = readValue();
        skipWhitespace();
        const close = tokens[i++];
        if (close?.kind !== 'close' || close.name !== 'plist') throw new Error('plist: expected </plist>');
        return v;
      }
      case 'string':
        return readText('string');
      case 'integer':
        return Number(readText('integer').trim());
      case 'real':
        return Number(readText('real').trim());
      case 'date':
        return new Date(readText('date').trim());
      case 'data':
        return new Uint8Array(Buffer.from(readText('data').replace(/\s+/g, ''), 'base64'));
      case 'true':
        readText('true');
        return true;
      case 'false':
        readText('false');
        return false;
      default:
        throw new Error(`plist: unknown element <${t.name}>`);
    }
  };
  return readValue();
}

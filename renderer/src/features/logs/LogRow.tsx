import { memo, type CSSProperties, type ReactNode } from 'react';

import { parseAnsi, type AnsiSegment, type AnsiStyle } from './ansi';
import type { LogEntry } from './line-store';
import type { LogLevel } from './log-level';
import { shortTime } from './line-text';
import { findMatches } from './search';

/** Highlights drawn in one row at most: a pathological match on a 64 KiB line stays cheap. */
const maxMarksPerRow = 500;

export interface LogRowProps {
  id: string;
  entry: LogEntry;
  level: LogLevel | null;
  /** The level in words, for the accessible name (colour is never the only sign). */
  levelLabel: string | null;
  position: number;
  setSize: number;
  showTime: boolean;
  pattern: RegExp | null;
  /** Which of this row's matches is the current one (-1: none). */
  currentOccurrence: number;
  selected: boolean;
  active: boolean;
  onPick: (ordinal: number, extend: boolean) => void;
  ordinal: number;
}

/** One line: its time, its text with ANSI styles and search highlights, its level as a colour. */
export const LogRow = memo(function LogRow({
  id,
  entry,
  level,
  levelLabel,
  position,
  setSize,
  showTime,
  pattern,
  currentOccurrence,
  selected,
  active,
  onPick,
  ordinal,
}: LogRowProps) {
  const segments = entry.styled ? parseAnsi(entry.raw) : [{ text: entry.plain, style: null }];
  const matches = pattern ? findMatches(entry.plain, pattern, maxMarksPerRow) : [];
  const time = showTime && entry.time ? shortTime(entry.time) : null;
  let className = 'log-row';
  if (level) className += ` log-row-${level}`;
  if (selected) className += ' log-row-selected';
  if (active) className += ' log-row-active';
  return (
    <div
      id={id}
      role="option"
      className={className}
      aria-selected={selected}
      aria-posinset={position}
      aria-setsize={setSize}
      aria-label={levelLabel ? `${levelLabel}: ${entry.plain.slice(0, 1000)}` : undefined}
      data-ordinal={ordinal}
      onMouseDown={event => {
        // Shift-click picks a range of lines, not a range of characters.
        if (event.shiftKey) event.preventDefault();
      }}
      onClick={event => {
        if (!event.shiftKey && !(window.getSelection()?.isCollapsed ?? true)) return; // the user selected text
        onPick(ordinal, event.shiftKey);
      }}
    >
      {showTime && (
        <span className="log-time" title={entry.time ?? undefined}>
          {time ?? ''}
        </span>
      )}
      <span className="log-text">{renderText(segments, matches, currentOccurrence)}</span>
    </div>
  );
});

/** The segments, cut where matches start and end, matches wrapped in <mark>. */
function renderText(segments: AnsiSegment[], matches: [number, number][], current: number): ReactNode[] {
  const nodes: ReactNode[] = [];
  let offset = 0;
  let matchIndex = 0;
  for (const [segmentIndex, segment] of segments.entries()) {
    const start = offset;
    const end = offset + segment.text.length;
    offset = end;
    let cursor = start;
    const pieces: ReactNode[] = [];
    while (cursor < end) {
      while (matchIndex < matches.length && (matches[matchIndex]?.[1] ?? 0) <= cursor) matchIndex++;
      const match = matches[matchIndex];
      if (!match || match[0] >= end) {
        pieces.push(segment.text.slice(cursor - start));
        break;
      }
      if (match[0] > cursor) {
        pieces.push(segment.text.slice(cursor - start, match[0] - start));
        cursor = match[0];
      }
      const stop = Math.min(end, match[1]);
      pieces.push(
        <mark
          key={`${segmentIndex}-${cursor}`}
          className={matchIndex === current ? 'log-match log-match-current' : 'log-match'}
        >
          {segment.text.slice(cursor - start, stop - start)}
        </mark>,
      );
      cursor = stop;
    }
    if (!segment.style) nodes.push(...pieces);
    else {
      const { className, style } = ansiPresentation(segment.style);
      nodes.push(
        <span key={segmentIndex} className={className} style={style}>
          {pieces}
        </span>,
      );
    }
  }
  return nodes;
}

/** Classes for the 16 themed colours and the attributes; inline colours only for 256/truecolour. */
export function ansiPresentation(style: AnsiStyle): { className: string; style: CSSProperties | undefined } {
  const fg = style.inverse ? style.bg : style.fg;
  const bg = style.inverse ? style.fg : style.bg;
  const classes: string[] = [];
  const inline: CSSProperties = {};
  if (typeof fg === 'number') classes.push(`ansi-fg-${fg}`);
  else if (typeof fg === 'string') inline.color = fg;
  else if (style.inverse) classes.push('ansi-fg-inverse');
  if (typeof bg === 'number') classes.push(`ansi-bg-${bg}`);
  else if (typeof bg === 'string') inline.backgroundColor = bg;
  else if (style.inverse) classes.push('ansi-bg-inverse');
  if (style.bold) classes.push('ansi-bold');
  if (style.dim) classes.push('ansi-dim');
  if (style.italic) classes.push('ansi-italic');
  if (style.underline) classes.push('ansi-underline');
  if (style.strike) classes.push('ansi-strike');
  return { className: classes.join(' '), style: inline.color || inline.backgroundColor ? inline : undefined };
}

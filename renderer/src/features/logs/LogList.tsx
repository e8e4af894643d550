import {
  useCallback,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import { flushSync } from 'react-dom';
import { useTranslation } from 'react-i18next';

import { FixedLayout, viewport, WrapLayout, type RowLayout } from './layout';
import { entryLevel } from './line-store';
import type { LogSession, ViewState } from './log-session';
import { LogRow } from './LogRow';
import { useStatusValue, useView } from './use-session';

/** Must match `--log-row-height` in logs.css. */
export const rowPx = 18;
/** Rows rendered beyond each edge of the viewport, so a fast scroll never shows a blank. */
const overscan = 8;
/** Before the first layout (and where there is none, as in tests), assume a typical window. */
const fallbackViewport = { height: 480, width: 960 };
/** Row padding and the level bar (logs.css), and the gap after the time column. */
const rowChromePx = 22;
const timeColumnChars = 13;

export interface LineSelection {
  /** Where a shift-click or shift-arrow range starts. */
  anchor: number;
  /** The line the keyboard is on. */
  focus: number;
}

export interface LogListProps {
  session: LogSession;
  wrap: boolean;
  showTime: boolean;
  selection: LineSelection | null;
  onSelectionChange: (change: (current: LineSelection | null) => LineSelection | null) => void;
  onCopy: () => void;
  label: string;
  /** Shown when there are no lines. */
  empty: ReactNode;
}

/**
 * The virtualised lines: a spacer as tall as all of them, and only the rows on screen (plus a few)
 * rendered in a window over it. While following, the window is pinned to the bottom; a scroll up
 * pauses. Keyboard: arrows, Page Up/Down, Home/End (Shift extends), ⌘A, ⌘C, Escape.
 */
export function LogList({
  session,
  wrap,
  showTime,
  selection,
  onSelectionChange,
  onCopy,
  label,
  empty,
}: LogListProps) {
  const { t } = useTranslation();
  const view = useView(session);
  // A fast stream is not read out line by line.
  const fast = useStatusValue(session, status => status.rate > 10);
  const scrollerRef = useRef<HTMLDivElement>(null);
  const windowRef = useRef<HTMLDivElement>(null);
  const probeRef = useRef<HTMLSpanElement>(null);
  const [box, setBox] = useState<{ height: number; width: number } | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [charWidth, setCharWidth] = useState(7.2);
  const [textWidth, setTextWidth] = useState<number | null>(null);
  const [, setCorrections] = useState(0);
  const wrapLayout = useMemo(() => new WrapLayout(session.cap, rowPx), [session]);
  const listId = useId();
  /** A line to bring into view after the next render. */
  const reveal = useRef<{ ordinal: number; center: boolean } | null>(null);
  /** The top row and its offset, to keep in place when the view switches between live and paused. */
  const anchor = useRef<{ ordinal: number; offset: number } | null>(null);
  /** What the rows were laid out from last time: the lines, and the wrapping width. */
  const shown = useRef({ source: view.source, layoutKey: 0 });
  /** The search match last brought into view. */
  const revealed = useRef<ViewState['search']['current']>(null);
  /** Where following last put the scroll position. */
  const pinnedTop = useRef(0);

  const { source, following } = view;
  const count = source.endOrdinal - source.firstOrdinal;
  const height = box && box.height > 0 ? box.height : fallbackViewport.height;
  const width = box && box.width > 0 ? box.width : fallbackViewport.width;
  const gutterPx = showTime ? timeColumnChars * charWidth + 8 : 0;
  const columns = Math.max(10, Math.floor((textWidth ?? width - rowChromePx - gutterPx) / charWidth));

  let layout: RowLayout;
  if (wrap) {
    wrapLayout.sync(source, columns);
    layout = wrapLayout;
  } else {
    layout = new FixedLayout(source, rowPx);
  }
  const scroll = viewport(layout.height, height);
  const contentY = following ? Math.max(0, layout.height - height) : scroll.contentY(scrollTop);
  const firstVisible = count > 0 ? layout.ordinalAt(contentY) : source.firstOrdinal;
  let endVisible = firstVisible;
  while (endVisible < source.endOrdinal && layout.top(endVisible) < contentY + height) endVisible++;
  const start = Math.max(source.firstOrdinal, firstVisible - overscan);
  const end = Math.min(source.endOrdinal, endVisible + overscan);
  const windowTop = scroll.scrollTopFor(contentY) + layout.top(start) - contentY;

  const selectedFrom = selection ? Math.min(selection.anchor, selection.focus) : Number.POSITIVE_INFINITY;
  const selectedTo = selection ? Math.max(selection.anchor, selection.focus) : Number.NEGATIVE_INFINITY;
  const current = view.search.current;
  const levelLabels = {
    error: t('logsView.levels.error'),
    warn: t('logsView.levels.warn'),
    info: null,
    debug: t('logsView.levels.debug'),
  };

  // One click handler for every row, for good: rows re-render only when what they show changes.
  const pick = useCallback(
    (ordinal: number, extend: boolean) => {
      session.pause();
      onSelectionChange(held =>
        extend && held ? { anchor: held.anchor, focus: ordinal } : { anchor: ordinal, focus: ordinal },
      );
      scrollerRef.current?.focus({ preventScroll: true });
    },
    [session, onSelectionChange],
  );

  useLayoutEffect(() => {
    const element = scrollerRef.current;
    if (!element) return;
    const measure = (): void => {
      if (element.clientHeight > 0) setBox({ height: element.clientHeight, width: element.clientWidth });
      const probe = probeRef.current?.getBoundingClientRect().width ?? 0;
      if (probe > 0) setCharWidth(probe / 100);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const element = scrollerRef.current;
    if (!element) return;
    session.setVisibleRange(firstVisible, endVisible);
    if (wrap) {
      const text = windowRef.current?.querySelector<HTMLElement>('.log-text');
      if (text && text.clientWidth > 0 && text.clientWidth !== textWidth) setTextWidth(text.clientWidth);
      const heights = new Map<number, number>();
      for (const row of windowRef.current?.children ?? []) {
        const px = (row as HTMLElement).offsetHeight;
        if (px > 0) heights.set(Number((row as HTMLElement).dataset.ordinal), px);
      }
      // While following, the window is pinned to the bottom, so corrections can wait for the next frame.
      if (wrapLayout.correct(heights) && !following) setCorrections(value => value + 1);
    }
    // Another set of lines (paused, resumed) or another wrapping: keep the top line where it was.
    const layoutKey = wrap ? columns : -1;
    if (shown.current.source !== source || shown.current.layoutKey !== layoutKey) {
      shown.current = { source, layoutKey };
      const kept = anchor.current;
      if (!following && kept && kept.ordinal >= source.firstOrdinal && kept.ordinal < source.endOrdinal) {
        element.scrollTop = scroll.scrollTopFor(layout.top(kept.ordinal) - kept.offset);
        setScrollTop(element.scrollTop);
      }
    }
    if (
      current &&
      (current.ordinal !== revealed.current?.ordinal || current.occurrence !== revealed.current.occurrence)
    ) {
      reveal.current = { ordinal: current.ordinal, center: true };
    }
    revealed.current = current;
    if (following) {
      element.scrollTop = element.scrollHeight;
      pinnedTop.current = element.scrollTop;
    } else if (reveal.current) {
      const { ordinal, center } = reveal.current;
      reveal.current = null;
      if (ordinal >= source.firstOrdinal && ordinal < source.endOrdinal) {
        const top = layout.top(ordinal);
        const bottom = top + layout.rowHeight(ordinal);
        let target: number | null = null;
        if (center && (top < contentY || bottom > contentY + height)) target = top - (height - rowPx) / 2;
        else if (top < contentY) target = top;
        else if (bottom > contentY + height) target = bottom - height;
        if (target !== null) {
          element.scrollTop = scroll.scrollTopFor(target);
          setScrollTop(element.scrollTop);
        }
      }
    }
    anchor.current = { ordinal: firstVisible, offset: layout.top(firstVisible) - contentY };
    // `layout` and `scroll` are new on every render: this runs after each one, on purpose.
  }, [
    session,
    wrap,
    wrapLayout,
    source,
    following,
    layout,
    scroll,
    current,
    firstVisible,
    endVisible,
    contentY,
    height,
    textWidth,
    columns,
  ]);

  const onScroll = (): void => {
    const element = scrollerRef.current;
    if (!element) return;
    const top = element.scrollTop;
    if (following) {
      const fromBottom = element.scrollHeight - element.clientHeight - top;
      if (fromBottom <= rowPx * 2) return;
      // The user scrolled up: stop moving the view under them, from where they scrolled to.
      if (anchor.current) anchor.current.offset -= top - pinnedTop.current;
      session.pause();
    }
    flushSync(() => setScrollTop(top));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (count === 0) return;
    const first = source.firstOrdinal;
    const last = source.endOrdinal - 1;
    const command = event.metaKey || event.ctrlKey;
    if (command && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      session.pause();
      onSelectionChange(() => ({ anchor: first, focus: last }));
      return;
    }
    if (command && event.key.toLowerCase() === 'c') {
      const native = window.getSelection();
      if (native && !native.isCollapsed && scrollerRef.current?.contains(native.anchorNode)) return;
      event.preventDefault();
      onCopy();
      return;
    }
    if (event.key === 'Escape') {
      if (selection) {
        event.preventDefault();
        onSelectionChange(() => null);
      }
      return;
    }
    const cursor = selection?.focus ?? null;
    const page = Math.max(1, endVisible - firstVisible - 1);
    const moves: Record<string, () => number> = {
      ArrowDown: () => (cursor === null ? firstVisible : cursor + 1),
      ArrowUp: () => (cursor === null ? endVisible - 1 : cursor - 1),
      PageDown: () => (cursor ?? firstVisible) + page,
      PageUp: () => (cursor ?? endVisible - 1) - page,
      Home: () => first,
      End: () => last,
    };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    const target = Math.max(first, Math.min(last, move()));
    session.pause();
    const extend = event.shiftKey;
    onSelectionChange(held =>
      extend && held ? { anchor: held.anchor, focus: target } : { anchor: target, focus: target },
    );
    reveal.current = { ordinal: target, center: false };
  };

  const rows: ReactNode[] = [];
  for (let ordinal = start; ordinal < end; ordinal++) {
    const entry = source.get(ordinal);
    if (!entry) continue;
    const level = entryLevel(entry);
    rows.push(
      <LogRow
        key={ordinal}
        id={`${listId}-${ordinal}`}
        ordinal={ordinal}
        entry={entry}
        level={level}
        levelLabel={level ? levelLabels[level] : null}
        position={ordinal - source.firstOrdinal + 1}
        setSize={count}
        showTime={showTime}
        pattern={view.search.pattern}
        currentOccurrence={current?.ordinal === ordinal ? current.occurrence : -1}
        selected={ordinal >= selectedFrom && ordinal <= selectedTo}
        active={selection?.focus === ordinal}
        onPick={pick}
      />,
    );
  }
  const activeId =
    selection && selection.focus >= start && selection.focus < end
      ? `${listId}-${selection.focus}`
      : undefined;

  return (
    <div
      className={`log-region${wrap ? ' log-wrap' : ''}${showTime ? ' log-with-time' : ''}`}
      role="log"
      aria-label={label}
      aria-live={following && !fast ? 'polite' : 'off'}
    >
      <div
        ref={scrollerRef}
        className="log-scroller"
        role={count > 0 ? 'listbox' : undefined}
        aria-label={count > 0 ? label : undefined}
        aria-multiselectable={count > 0 ? true : undefined}
        aria-activedescendant={activeId}
        tabIndex={0}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
      >
        <span ref={probeRef} className="log-probe" aria-hidden="true">
          {'0'.repeat(100)}
        </span>
        {count === 0 ? (
          <div className="log-empty">{empty}</div>
        ) : (
          <div
            className="log-spacer"
            style={{
              height: scroll.spacer,
              minWidth: wrap ? undefined : source.longestLine * charWidth + gutterPx + rowChromePx,
            }}
          >
            <div
              ref={windowRef}
              className="log-window"
              style={following ? { bottom: 0 } : { top: windowTop }}
            >
              {rows}
            </div>
          </div>
        )}
      </div>
    </div>
  );
}

import { useState, type ReactElement } from 'react';

const PAGE = 50;

/** A long list shown 50 items at a time, with a button that shows the next ones. */
export function PagedList<T>({
  items,
  render,
  moreTestId,
}: {
  items: readonly T[];
  /** One keyed `<li>` per item. */
  render: (item: T) => ReactElement;
  moreTestId: string;
}) {
  const [shown, setShown] = useState(PAGE);
  return (
    <>
      <ul>{items.slice(0, shown).map(render)}</ul>
      {shown < items.length && (
        <button type="button" onClick={() => setShown((n) => n + PAGE)} data-testid={moreTestId}>
          Show {Math.min(PAGE, items.length - shown)} more
        </button>
      )}
    </>
  );
}

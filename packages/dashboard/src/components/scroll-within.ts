/** Scrolling a box (not the page) so that one of its items is in view. */

/**
 * Scrolls `box` the least needed for `item` (inside it) to show whole, below `topInset` pixels of
 * the box's top (a sticky header); the page itself does not move.
 */
export function scrollWithin(box: HTMLElement, item: HTMLElement, topInset = 0): void {
  const boxRect = box.getBoundingClientRect();
  const itemRect = item.getBoundingClientRect();
  const top = boxRect.top + topInset;
  if (itemRect.top < top) box.scrollTop -= top - itemRect.top;
  else if (itemRect.bottom > boxRect.bottom) box.scrollTop += Math.min(itemRect.bottom - boxRect.bottom, itemRect.top - top);
}

/** Brings `element` into the window when none of it shows there (smoothly, as little as needed). */
export function revealInWindow(element: HTMLElement): void {
  const rect = element.getBoundingClientRect();
  if (rect.top >= window.innerHeight || rect.bottom <= 0) element.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
}

import { useClawbar } from './context';

/**
 * Goes to the Dashboard's VM card, for pages that need a running cluster: once the Dashboard is
 * drawn, the card is brought into view and the keyboard put on its first button.
 */
export function useShowVmCard(): () => void {
  const navigate = useClawbar(state => state.navigate);
  return () => {
    navigate('dashboard');
    requestAnimationFrame(() => {
      const card = document.querySelector<HTMLElement>('[data-component="vm"]');
      card?.scrollIntoView({ block: 'nearest' });
      card?.querySelector<HTMLElement>('button')?.focus();
    });
  };
}

/**
 * Which deployed definition a request names: definitions belong to a tenant namespace, so a request
 * acting in one finds only that namespace's. Outside 'default' a definition's workflow name carries
 * its namespace (`team-a:shop.order`); a request acting in team-a may name it so, or by the
 * document's own name (`shop.order`). Another namespace's definition is not found, as one that does
 * not exist.
 */
import { definitionWorkflowNameIn, type Store } from '@baton/core';

/** The workflow name of the definition `name` designates for a request acting in `namespace` (every namespace: undefined), or undefined when it sees none. */
export async function visibleDefinitionName(store: Store, name: string, namespace: string | undefined): Promise<string | undefined> {
  if (namespace === undefined) return name;
  if ((await store.getDefinitionNamespace(name)) === namespace) return name;
  const qualified = definitionWorkflowNameIn(namespace, name);
  if (qualified === undefined || qualified === name) return undefined;
  return (await store.getDefinitionNamespace(qualified)) === namespace ? qualified : undefined;
}

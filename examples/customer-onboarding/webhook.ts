/**
 * A webhook that starts customer onboarding: the signup form (or the service behind it) posts the
 * new customer, as JSON in the shape of inputs/customer.json, to POST /hooks/signup, which `baton dev`
 * and `baton start --workflows examples/index.ts` serve. With BATON_HOOK_SECRET set (16 characters or
 * more) every delivery must carry its HMAC signature; without it the hook takes an operator API key
 * instead, like the rest of the API.
 */
import { defineWebhook } from '@baton/server';

const secret = process.env.BATON_HOOK_SECRET;

export const signupWebhook = defineWebhook({
  name: 'signup',
  workflow: 'customer-onboarding',
  ...(secret === undefined || secret === '' ? {} : { secret }),
});

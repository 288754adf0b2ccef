/**
 * Values a generated workload can plant where real users put secrets (execution input and output,
 * StartExecution input), so the security checks can prove none of them ever reaches the table or a
 * log line. Obviously fake: test card number, example domains.
 */
export const PLANTED_SECRETS = {
  password: 'hunter2-Pa55w0rd!',
  apiKey: 'sk_live_51Hc0ffeeC0ffeeC0ffeeC0ffee',
  bearer: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl',
  customerEmail: 'jane.doe.customer@example.org',
  cardNumber: '4111111111111111',
} as const;

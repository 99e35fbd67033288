"""Webhooks: a desk's subscriptions (a URL, a secret, the events wanted) and the signed deliveries posted to them."""

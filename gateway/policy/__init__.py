"""Security policy of the gateway: authentication, authorization, limits, demand control, persisted queries
and rate limits — one module per concern, assembled per gateway by :mod:`gateway.policy.gate`."""

# Schemathesis hooks for the contract suite (loaded through SCHEMATHESIS_HOOKS).
import re
import uuid

import schemathesis

VALID_KEY = re.compile(
    r"^(?:[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}|[A-Za-z0-9_-]{22,128})$"
)


@schemathesis.hook
def before_call(context, case, kwargs):
    # A client makes one Idempotency-Key per order; generated keys repeat across different bodies,
    # which the API rightly refuses (422). A valid key gets a fresh value; an invalid one stays invalid.
    headers = case.headers or {}
    key = headers.get("idempotency-key")
    if case.method.upper() == "POST" and case.path == "/orders" and isinstance(key, str) and VALID_KEY.match(key):
        headers["idempotency-key"] = str(uuid.uuid4())

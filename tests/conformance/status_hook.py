"""Schemathesis hook (loaded through SCHEMATHESIS_HOOKS by run_schemathesis.py): every answer the
run gets, one line per call — operation, phase, generation mode, whether it carried a token,
status — appended to the file named by FORUM_CONFORMANCE_STATUS_LOG. The runner reads it to tell a
real run from a hollow one (an operation that answered nothing but 401 was never tested behind its
sign-in check)."""
from __future__ import annotations

import os

import schemathesis


@schemathesis.hook
def after_call(context, case, response) -> None:
    meta = getattr(case, "meta", None)
    mode = str(getattr(getattr(meta, "generation", None), "mode", "") or "unknown")
    phase = str(getattr(getattr(meta, "phase", None), "name", "") or "unknown")
    # Schemathesis also sends requests without credentials (is sign-in enforced?): those are "anonymous".
    sent = "token" if "Authorization" in response.request.headers else "anonymous"
    with open(os.environ["FORUM_CONFORMANCE_STATUS_LOG"], "a", encoding="utf-8") as log:
        log.write(f"{case.operation.label}\t{phase}\t{mode}\t{sent}\t{response.status_code}\n")

"""The server process's cyclic garbage collector, set for a stream of small requests.

A request allocates tens of thousands of short-lived containers (parsed JSON, sentences, spans,
the result), nearly all freed by reference counting when it ends. With CPython's default
threshold (a collection every 700 net new containers) a request triggered one or two young
collections and every tenth of those a middle one, each re-scanning whatever was alive at that
instant, and every full collection walked the ~100,000 objects of the loaded application too:
0.6-0.9 ms of collector time per request on the seeds (measured with ``gc.callbacks``), for
almost no garbage. After start-up the application's own objects are moved out of the collector's
sight (``gc.freeze``), so full collections no longer walk them. The thresholds stay CPython's:
raising the young one to 25,000 cut collector time to 0.1-0.2 ms per request, but cyclic garbage
then lived so long that the server's memory grew by 45 MB over a 60 s soak at 32 clients (181 ->
225 MB, against 144 -> 150 MB with the defaults), which the soak test rightly refuses.

The freeze comes once the services are up (``create_app(on_ready=...)``), so the job store, the
runner, the webhook client and the modules they import are frozen too, and the default tokenizer
encoding, which the first request would otherwise load (it took 280-390 ms instead of about
100), is loaded just before. A full collection of the running server then walks about 10,000
objects instead of 20,000 (3-5 ms instead of 8-14, about once per 100 seeds requests). A job
already running at that instant has its objects frozen with the rest: they are still freed by
reference counting; only a cycle among them would outlive the job (once, at start-up).
"""

from __future__ import annotations

import gc

from ..config.options import SummaryOptions
from ..pipeline import check_options


def tune_for_requests() -> None:
    """Call once, when the application's services are up and before it serves."""
    check_options(SummaryOptions())  # loads the default encoding, as the first request would
    gc.collect()
    gc.freeze()  # start-up objects live as long as the process: never scan them again

#!/usr/bin/python3
# SPDX-License-Identifier: BSL-1.0
"""The Python clients measured by bench/client/bench.py. Prints one JSON line like
ahttp_client_bench: {"requests", "errors", "seconds", "rps", "cpu_seconds", "statuses"}.

    py_client.py MODE URL [URL...] -n N -c C [--timeout S]

Request i goes to URL[i % number of URLs]; every body is read. Modes:

- aiohttp-workers: one ClientSession with TCPConnector(limit=C); C coroutines on one loop each
  take the next request number until N are done (the same shape as ahttp_client_bench).
- aiohttp-gather: the seed's code: N tasks at once with asyncio.gather over one ClientSession
  whose TCPConnector has limit=C (aiohttp's default is 100).
- requests-threads: one requests.Session, ThreadPoolExecutor(max_workers=C).map (the seed's 5).
- requests-serial: one requests.Session, one request after the other.

seconds and cpu_seconds (getrusage RUSAGE_SELF, all threads) cover the requests only, not the
interpreter start or the imports. Needs Debian's python3-aiohttp / python3-requests, hence
/usr/bin/python3.
"""

import argparse
import json
import resource
import sys
import time


def cpu_s():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


class Tally:
    def __init__(self):
        self.responses = 0
        self.errors = 0
        self.statuses = {}
        self.first_error = None

    def ok(self, status):
        self.responses += 1
        self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1

    def fail(self, exc):
        self.errors += 1
        if self.first_error is None:
            self.first_error = f"{type(exc).__name__}: {exc}"


def run_aiohttp(urls, n, c, timeout, gather_all, tally):
    import asyncio

    import aiohttp

    async def fetch(session, url):
        try:
            async with session.get(url) as response:
                await response.read()
                tally.ok(response.status)
        except Exception as e:  # noqa: BLE001 - counted, the run goes on
            tally.fail(e)

    async def main():
        connector = aiohttp.TCPConnector(limit=c)
        client_timeout = aiohttp.ClientTimeout(total=timeout)
        async with aiohttp.ClientSession(connector=connector, timeout=client_timeout) as session:
            if gather_all:
                await asyncio.gather(*(fetch(session, urls[i % len(urls)]) for i in range(n)))
            else:
                counter = iter(range(n))

                async def worker():
                    for i in counter:
                        await fetch(session, urls[i % len(urls)])

                await asyncio.gather(*(worker() for _ in range(c)))

    asyncio.run(main())


def run_requests(urls, n, c, timeout, threaded, tally):
    from concurrent.futures import ThreadPoolExecutor

    import requests

    def fetch(session, url):
        try:
            with session.get(url, timeout=timeout) as response:
                response.content  # noqa: B018 - reads the body
                tally.ok(response.status_code)
        except Exception as e:  # noqa: BLE001
            tally.fail(e)

    with requests.Session() as session:
        all_urls = [urls[i % len(urls)] for i in range(n)]
        if threaded:
            with ThreadPoolExecutor(max_workers=c) as executor:
                list(executor.map(lambda url: fetch(session, url), all_urls))
        else:
            for url in all_urls:
                fetch(session, url)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["aiohttp-workers", "aiohttp-gather", "requests-threads",
                                    "requests-serial"])
    p.add_argument("urls", nargs="+")
    p.add_argument("-n", type=int, default=20000)
    p.add_argument("-c", type=int, default=100)
    p.add_argument("--timeout", type=float, default=30.0, help="per request, seconds")
    a = p.parse_args()

    # Import before the clock starts: only the requests are measured.
    if a.mode.startswith("aiohttp"):
        import aiohttp  # noqa: F401
    else:
        import requests  # noqa: F401
    tally = Tally()
    cpu0, t0 = cpu_s(), time.monotonic()
    if a.mode.startswith("aiohttp"):
        run_aiohttp(a.urls, a.n, a.c, a.timeout, a.mode == "aiohttp-gather", tally)
    else:
        run_requests(a.urls, a.n, a.c, a.timeout, a.mode == "requests-threads", tally)
    seconds, cpu = time.monotonic() - t0, cpu_s() - cpu0
    out = {"requests": tally.responses, "errors": tally.errors, "seconds": seconds,
           "rps": tally.responses / seconds if seconds > 0 else 0.0, "cpu_seconds": cpu,
           "concurrency": a.c, "statuses": tally.statuses}
    if tally.first_error:
        out["first_error"] = tally.first_error
    print(json.dumps(out))
    return 0 if tally.errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

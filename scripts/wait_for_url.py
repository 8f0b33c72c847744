"""Wait until a URL answers (any HTTP status), for `make run`: `wait_for_url.py URL [SECONDS]`."""

import sys
import time
import urllib.error
import urllib.request


def main() -> int:
    url = sys.argv[1]
    deadline = time.monotonic() + float(sys.argv[2] if len(sys.argv) > 2 else 20)
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return 0
        except urllib.error.HTTPError:
            return 0
        except OSError:
            time.sleep(0.2)
    print(f"{url} did not answer in time.", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())

"""Steady load for the fault test: writer threads upsert new orders, reader threads read them.

Every request's outcome is logged with a timestamp; every order whose upsert got a 2xx is
remembered, so that the harness can check afterwards that none of them was lost.
Usage: load.py BASE_URL API_KEY OUT_DIR   (runs until OUT_DIR/stop exists)
"""
import http.client
import json
import os
import sys
import threading
import time
import uuid

base, key, out = sys.argv[1], sys.argv[2], sys.argv[3]
host, port = base.replace("http://", "").split(":")
lock = threading.Lock()
events = []        # (time, kind, status, is_problem_json)
accepted = []      # order numbers acknowledged with 2xx
read_ids = []


def request(conn, method, path, body=None):
    headers = {"Authorization": f"Bearer {key}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, response.getheader("Content-Type", ""), data
    except (ConnectionError, http.client.HTTPException, OSError):
        conn.close()
        return 0, "", b""


def order(number):
    return {
        "order_number": number, "channel": {"type": "web"}, "currency": "EUR",
        "customer": {"email": "fault@example.com"}, "placed_at": "2026-11-20T09:30:00Z",
        "destination": {"line1": "1 Main St", "city": "Bucharest", "country": "RO", "postal_code": "010011"},
        "lines": [{"sku": "A", "name": "Thing", "quantity": 1, "unit_price": 100}],
    }


def writer():
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    while not os.path.exists(os.path.join(out, "stop")):
        number = "F-" + uuid.uuid4().hex[:16]
        status, ctype, data = request(conn, "POST", "/v1/orders", order(number))
        with lock:
            events.append((time.time(), "write", status, ctype.startswith("application/problem+json")))
            if 200 <= status < 300:
                accepted.append(number)
                read_ids.append(json.loads(data)["id"])
        if status == 0:
            time.sleep(0.05)


def reader():
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    while not os.path.exists(os.path.join(out, "stop")):
        with lock:
            target = read_ids[-1] if read_ids else None
        if target is None:
            time.sleep(0.05)
            continue
        status, ctype, _ = request(conn, "GET", f"/v1/orders/{target}")
        with lock:
            events.append((time.time(), "read", status, ctype.startswith("application/problem+json")))
        if status == 0:
            time.sleep(0.05)


threads = [threading.Thread(target=writer) for _ in range(4)] + [threading.Thread(target=reader) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with open(os.path.join(out, "events.json"), "w") as f:
    json.dump(events, f)
with open(os.path.join(out, "accepted.json"), "w") as f:
    json.dump(accepted, f)

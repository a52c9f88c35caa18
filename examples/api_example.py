#!/usr/bin/env python3
"""The whole curation workflow over CaT Curator's REST API, with the standard library only.

    CAT_API=http://localhost:3000 CAT_TOKEN=cat_... python3 examples/api_example.py [tasks.jsonl]

Imports a task file, runs the CaT filter on it and waits, fixes the lenient verifier the filter
rejected (a new revision, which reruns the filter), reviews every task (approving, with a reason when
overriding the verdict), labels and comments, puts the approved tasks in a dataset, publishes a
version (the answer says which tasks were left out and why), and downloads it as JSON Lines.

Running it again is safe: the batch is imported already, the fix is there, the
decisions are the same, the dataset exists, and publishing an unchanged working set makes no new
version (the latest one is downloaded instead). The token needs the curator role (`npm run -s cli --
token create --user EMAIL`, or the Tokens page). Tests run it against a live server twice in a row
(server/rest/api-example.system.test.ts).
"""
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

API = os.environ.get("CAT_API", "http://localhost:3000").rstrip("/")
TOKEN = os.environ.get("CAT_TOKEN", "")
HERE = os.path.dirname(os.path.abspath(__file__))
TASKS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "tasks.jsonl")
BATCH = "api-example"
DATASET = "api-example"
ENVIRONMENT = "retail"


class ApiError(Exception):
    def __init__(self, status, error):
        self.status, self.code = status, error.get("code")
        issues = "; ".join(f"{i.get('path') or '(body)'}: {i['message']}" for i in error.get("issues", []))
        super().__init__(f"{status} {self.code}: {error.get('message')}{' [' + issues + ']' if issues else ''}")


def call(method, path, body=None, query=None, raw=None, content_type="application/json"):
    """One request; the JSON answer, or ApiError with the code, message and the fields at fault."""
    url = f"{API}{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, data=data, method=method, headers={"Authorization": f"Bearer {TOKEN}"})
    if data is not None:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=120) as res:
            payload = res.read()
            return json.loads(payload) if res.headers.get_content_type() == "application/json" else payload
    except urllib.error.HTTPError as e:
        answer = e.read()
        try:
            error = json.loads(answer)["error"]
        except (ValueError, KeyError, TypeError):
            error = {"code": "HTTP", "message": answer[:300].decode(errors="replace")}
        raise ApiError(e.code, error) from None


def wait_for(rerun_id):
    while True:
        p = call("GET", f"/api/v1/reruns/{rerun_id}")
        print(f"  {p['runs']['done']}/{p['taskCount']} done, {p['verdicts']['accepted']} accepted, ETA {p['etaSeconds']}s")
        if p["finished"]:
            return p
        time.sleep(1)


def main():
    if not TOKEN:
        sys.exit("Set CAT_TOKEN to an API token (npm run -s cli -- token create --user EMAIL).")

    # 1. Import the file into a batch (the raw bytes are the body; it streams). Once: importing it
    #    again would make the file's content current again, undoing the fix of step 4.
    if any(b["name"] == BATCH for b in call("GET", "/api/v1/batches")):
        print(f"import: batch {BATCH} is there already")
    else:
        with open(TASKS, "rb") as f:
            summary = call("POST", "/api/import", raw=f.read(), content_type="application/octet-stream",
                           query={"batch": BATCH, "env": ENVIRONMENT, "fileName": os.path.basename(TASKS)})
        print(f"import: {summary['created']} new, {summary['revised']} revised, {summary['unchanged']} unchanged, {summary['errorCount']} refused")
        for e in summary["errors"][:10]:
            print(f"  line {e['line']} {e.get('field', '')}: {e['message']}")

    # 2. Run the CaT filter on the batch and wait for it.
    rerun = call("POST", "/api/v1/reruns", {"filter": {"batch": BATCH}})
    wait_for(rerun["rerunId"])

    # 3. Read the batch, page by page.
    tasks, cursor = [], None
    while True:
        page = call("GET", "/api/v1/tasks", query={"batch": BATCH, "sort": "externalId", "dir": "asc", "limit": 100, **({"cursor": cursor} if cursor else {})})
        tasks += page["items"]
        cursor = page["nextCursor"]
        if not cursor:
            break
    print("verdicts:", ", ".join(f"{t['externalId']}={t['verdictStatus']}{'/' + t['verdictReason'] if t['verdictReason'] else ''}" for t in tasks))

    # 4. Fix what the filter caught: a verifier that also passes when the agent does nothing.
    #    A task is addressed by number or by environment/external id. Only a real change is saved.
    ref = f"/api/v1/tasks/{ENVIRONMENT}/api-example-0004"
    task = call("GET", ref)
    strict = "def verify(state, answer):\n    return answer.strip() == '7'\n"
    if task["currentRevision"]["verifier"] != strict:
        saved = call("POST", f"{ref}/revisions", {"verifier": strict, "note": "the empty answer passed"})
        print(f"saved revision {saved['number']} of api-example-0004; its filter run:")
        wait_for(saved["rerunId"])

    # 5. Review each task on its current revision. Approving one the filter did not accept needs a
    #    written reason (409 without one), which is kept as an override.
    for t in call("GET", "/api/v1/tasks", query={"batch": BATCH, "limit": 100})["items"]:
        decision = {"decision": "approve"}
        if t["verdictStatus"] != "accepted":
            try:
                call("POST", f"/api/v1/tasks/{t['id']}/review", decision)
            except ApiError as e:
                if e.status != 409:
                    raise
                print(f"  {t['externalId']}: {e}")
                decision["reason"] = "checked by hand: the verdict is wrong here"
        r = call("POST", f"/api/v1/tasks/{t['id']}/review", decision)
        print(f"review {r['externalId']}: {r['status']} on revision {r['revision']}{' (override)' if r['override'] else ''}{'' if r['changed'] else ' (unchanged)'}")

    # Labels by name, comments on a task.
    call("POST", "/api/v1/task-labels", {"selection": {"filter": {"batch": BATCH, "edited": "yes"}}, "label": "false positive", "on": True})
    history = call("GET", f"{ref}/history")
    if not any(e["kind"] == "comment" for e in history["entries"]):
        call("POST", f"{ref}/comments", {"body": "The original verifier accepted an empty answer."})

    # 6. The approved tasks go into a dataset's working set; publish it as a version.
    try:
        call("POST", "/api/v1/datasets", {"name": DATASET, "description": "made by examples/api_example.py"})
    except ApiError as e:
        if e.code != "CONFLICT":  # it exists from an earlier run
            raise
    added = call("POST", f"/api/v1/datasets/{DATASET}/tasks", {"filter": {"batch": BATCH, "review": "approved"}})
    print(f"working set: {added['added']} added, {added['alreadyIn']} already in, {added['skippedNotApproved']} not approved")
    version = call("POST", f"/api/v1/datasets/{DATASET}/versions", {"notes": "first cut"})
    for e in version["excluded"]:
        print(f"  left out {e['id']}: {e['message']}")
    number = version["version"] or version["changes"]["previous"]
    print(f"published {DATASET}@{number}" if version["version"] else f"nothing changed: {DATASET}@{number} stays the latest")

    # 7. Download it (JSON Lines; format=parquet or hf work the same way).
    data = call("GET", f"/api/datasets/{DATASET}@{number}/export", query={"format": "jsonl"})
    lines = [json.loads(line) for line in data.decode().splitlines() if line]
    out = os.path.join(os.environ.get("CAT_EXAMPLE_OUT", "."), f"{DATASET}-v{number}.jsonl")
    with open(out, "wb") as f:
        f.write(data)
    print(f"downloaded {len(lines)} tasks to {out}")
    print(json.dumps({"dataset": DATASET, "version": number, "newVersion": version["version"] is not None, "tasks": len(lines), "excluded": len(version["excluded"])}))


if __name__ == "__main__":
    try:
        main()
    except ApiError as e:
        sys.exit(f"API error: {e}")

"""GET /v1/jobs over HTTP: the caller's jobs only, newest first, cursor pages, status filter."""

from __future__ import annotations

from tests.service.api_helpers import wait_status

DOC = [{"id": "a", "text": "The harbor wall will be rebuilt from May. Work starts in the north."}]


def _pages(client, **params) -> list[list[dict]]:
    pages, after = [], None
    while True:
        query = dict(params, **({"after": after} if after else {}))
        r = client.get("/v1/jobs", params=query)
        assert r.status_code == 200, r.text
        body = r.json()
        pages.append(body["data"])
        after = body["next"]
        if after is None:
            return pages


def test_list_is_per_key_newest_first_and_paged(make_server):
    srv = make_server(SUMMARIZER_API_KEYS="k1,k2").start()
    with srv.client("k1") as c1, srv.client("k2") as c2:
        mine = [c1.post("/v1/jobs", json={"documents": DOC}).json()["id"] for _ in range(7)]
        theirs = c2.post("/v1/jobs", json={"documents": DOC}).json()["id"]
        for job_id in mine:
            wait_status(c1, job_id, {"succeeded"})
        pages = _pages(c1, limit=3)
        assert [len(p) for p in pages] == [3, 3, 1]
        listed = [j["id"] for p in pages for j in p]
        assert listed == mine[::-1]  # newest first, no repeats, nothing skipped
        assert theirs not in listed
        first = pages[0][0]
        assert first == c1.get(f"/v1/jobs/{first['id']}").json()  # same view as GET /v1/jobs/{id}
        assert [j["id"] for j in c2.get("/v1/jobs").json()["data"]] == [theirs]
        assert c1.get("/v1/jobs").json()["next"] is None  # 7 jobs fit the default page of 20
        assert srv.client().get("/v1/jobs").status_code == 401


def test_new_jobs_do_not_shift_the_next_page(server):
    with server.client() as c:
        ids = [c.post("/v1/jobs", json={"documents": DOC}).json()["id"] for _ in range(4)]
        first = c.get("/v1/jobs", params={"limit": 2}).json()
        newer = c.post("/v1/jobs", json={"documents": DOC}).json()["id"]
        second = c.get("/v1/jobs", params={"limit": 2, "after": first["next"]}).json()
    assert [j["id"] for j in first["data"]] == ids[:1:-1]
    assert [j["id"] for j in second["data"]] == ids[1::-1]
    assert newer not in [j["id"] for j in second["data"]]


def test_status_filter(server):
    with server.client() as c:
        slow = c.post("/v1/jobs", json={"documents": DOC, "options": {"backend": "slow"}}).json()["id"]
        wait_status(c, slow, {"running"})
        c.delete(f"/v1/jobs/{slow}")
        cancelled = c.get("/v1/jobs", params={"status": "cancelled"}).json()["data"]
        succeeded = c.get("/v1/jobs", params={"status": "succeeded", "limit": 100}).json()["data"]
    assert slow in [j["id"] for j in cancelled]
    assert {j["status"] for j in cancelled} == {"cancelled"}
    assert slow not in [j["id"] for j in succeeded]
    assert {j["status"] for j in succeeded} <= {"succeeded"}


def test_bad_parameters_are_422_naming_them(server):
    with server.client() as c:
        for params, field in [({"status": "done"}, "status"), ({"limit": 0}, "limit"), ({"limit": 101}, "limit"),
                              ({"limit": "x"}, "limit"), ({"after": "not-a-cursor"}, "after"),
                              ({"after": "WzEsMl0"}, "after")]:
            r = c.get("/v1/jobs", params=params)
            assert r.status_code == 422, (params, r.text)
            assert r.json()["error"]["field"] == field, r.text


def test_each_job_is_listed_with_its_title(server):
    # What a list of jobs is for: telling them apart. The first document's title (else its opening
    # words) and how many more documents there are; the same in GET /v1/jobs/{id}.
    titled = [{"id": "a", "title": "  Harbor\nworks ", "text": DOC[0]["text"]},
              {"id": "b", "text": "Another document."}, {"id": "c", "text": "A third one."}]
    long_text = [{"id": "x", "text": "word " * 5000}]
    with server.client() as c:
        ids = [c.post("/v1/jobs", json={"documents": docs}).json()["id"] for docs in (DOC, titled, long_text)]
        listed = {j["id"]: j["title"] for j in c.get("/v1/jobs").json()["data"]}
        assert listed[ids[0]] == "The harbor wall will be rebuilt from May. Work starts in the"  # 12 words
        assert listed[ids[1]] == "Harbor works (+2 more)"
        assert listed[ids[2]] == " ".join(["word"] * 12)
        assert c.get(f"/v1/jobs/{ids[1]}").json()["title"] == "Harbor works (+2 more)"


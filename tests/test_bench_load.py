"""The load bench places its slowest requests in time (bench/load.py `slowest`)."""

from bench.load import slowest


def test_slowest_requests_are_ordered_and_placed_after_the_first_start(tmp_path):
    log = tmp_path / "requests.csv"
    log.write_text("100.000,/me/,12.0,200\n101.500,/me/claims/,480.5,200\n103.250,/me/,95.0,error\nbroken line\n")
    assert slowest(log, count=2) == [
        {"at_s": 1.5, "page": "/me/claims/", "ms": 480.5, "status": "200"},
        {"at_s": 3.2, "page": "/me/", "ms": 95.0, "status": "error"},
    ]
    assert slowest(tmp_path / "missing.csv") == []

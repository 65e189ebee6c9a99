"""Download: URL building, sidecar, offline failure with the manual path, then the manual file.

No network: urllib.request.urlopen is replaced in every test.
"""

from __future__ import annotations

import gzip
import json
import socket
import urllib.error
import urllib.request

import pytest

from emerging.io.cache import OfflineError, sha256
from emerging.io.eurostat import api_url, download, read

API = "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data"
SDMX = "DATAFLOW,LAST UPDATE,freq,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\nX,,A,CZ06,2015,7,\n"


def test_api_url():
    assert api_url("nama_10r_2gdp") == f"{API}/nama_10r_2gdp?format=SDMX-CSV&compressed=true"
    url = api_url(
        "sbs_r_nuts06_r2",
        filters={"indic_sb": "V16110", "geo": ["CZ06", "SK01"], "freq": "A"},
        fmt="tsv",
    )
    assert url == f"{API}/sbs_r_nuts06_r2/A..V16110.CZ06+SK01?format=TSV&compressed=true"
    custom = api_url("xyz", filters={"b": "1"}, dimensions=("a", "b"))
    assert custom == f"{API}/xyz/.1?format=SDMX-CSV&compressed=true"


def test_api_url_errors():
    with pytest.raises(ValueError, match=r"unknown dimension filter\(s\) \['nace'\].*'nace_r2'"):
        api_url("sbs_r_nuts06_r2", filters={"nace": "C29"})
    with pytest.raises(ValueError, match="need the dataset's dimension order"):
        api_url("unknown_ds", filters={"geo": "CZ"})
    with pytest.raises(ValueError, match=r"fmt must be one of \('sdmx-csv', 'tsv'\); got 'json'"):
        api_url("nama_10r_2gdp", fmt="json")


class _Response:
    def __init__(self, data: bytes):
        self._data, self.headers = data, {"Content-Length": str(len(data))}

    def read(self, n=-1):
        chunk, self._data = self._data[:n], self._data[n:]
        return chunk

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_download_writes_file_and_sidecar(tmp_path, monkeypatch):
    payload = gzip.compress(SDMX.encode())
    seen = []

    def fake_urlopen(request, timeout):
        seen.append((request.full_url, timeout))
        return _Response(payload)

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    path = download(
        "nama_10r_2gdp", filters={"geo": "CZ06"}, raw_dir=tmp_path, show_progress=False, timeout=5
    )
    assert path == tmp_path / "nama_10r_2gdp__geo-CZ06.csv.gz"
    assert seen == [(f"{API}/nama_10r_2gdp/..CZ06?format=SDMX-CSV&compressed=true", 5)]
    meta = json.loads((tmp_path / "nama_10r_2gdp__geo-CZ06.csv.gz.source.json").read_text())
    assert meta["url"] == seen[0][0] and meta["sha256"] == sha256(path)
    assert read(path)["value"].to_list() == [7.0]


def test_offline_fails_fast_with_manual_path_then_uses_manual_file(tmp_path, monkeypatch):
    calls = []

    def offline(request, timeout):
        calls.append(request.full_url)
        raise urllib.error.URLError(socket.gaierror(-3, "Temporary failure in name resolution"))

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    target = tmp_path / "sbs_r_nuts06_r2.tsv.gz"
    with pytest.raises(OfflineError) as err:
        download("sbs_r_nuts06_r2", fmt="tsv", raw_dir=tmp_path, show_progress=False)
    assert len(calls) == 1  # no retries when the host cannot be resolved
    assert str(target.resolve()) in str(err.value)
    assert f"{API}/sbs_r_nuts06_r2?format=TSV" in str(err.value)
    # the user saves a manually downloaded file there; it is then used without the network
    target.write_bytes(gzip.compress(b"indic_sb,geo\\time\t2015 \nV16110,CZ06\t5 \n"))
    path = download("sbs_r_nuts06_r2", fmt="tsv", raw_dir=tmp_path, show_progress=False)
    assert path == target and len(calls) == 1
    assert read(path)["value"].to_list() == [5.0]

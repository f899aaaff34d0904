"""Making an evidence pack as HR or a manager does (the form's POST; the test settings run the task at once) and
downloading its PDF and CSV twin to files, for the tests that read a pack back or give it to `verify_pack`."""

from django.urls import reverse

from portal.reports.models import EvidencePack


def pack_made(client, team, as_at, basis) -> EvidencePack:
    response = client.post(reverse("exports:pack_new"), {"team": team.pk, "as_at": as_at.isoformat(), "basis": basis})
    assert response.status_code == 302, response.content.decode()[:800]
    pack = EvidencePack.objects.latest("pk")
    assert pack.status == EvidencePack.DONE, pack.error
    return pack


def pack_downloaded(client, pack, tmp_path):
    """The pack's PDF and CSV, as downloaded, in `tmp_path`: (pdf path, csv path)."""
    paths = {}
    for kind in ("pdf", "csv"):
        response = client.get(reverse(f"exports:pack_{kind}", args=[pack.pk]))
        assert response.status_code == 200
        path = tmp_path / f"{pack.stem}.{kind}"
        path.write_bytes(b"".join(response.streaming_content))
        paths[kind] = path
    return paths["pdf"], paths["csv"]

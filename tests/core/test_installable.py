"""Lærevakt can be put on a phone's home screen as an app: a web app manifest with icons."""

import struct


def test_the_manifest_names_the_app_in_norwegian_and_opens_it_without_the_browser_bars(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["name"] == "Lærevakt"
    assert manifest["lang"] == "nb"
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b5394"


def test_the_manifests_png_icons_are_the_sizes_it_says(client):
    manifest = client.get("/manifest.webmanifest").get_json(force=True)
    pngs = [icon for icon in manifest["icons"] if icon["type"] == "image/png"]
    assert {icon["sizes"] for icon in pngs} == {"192x192", "512x512"}
    for icon in pngs:
        image = client.get(icon["src"])
        assert image.status_code == 200
        data = image.get_data()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = struct.unpack(">II", data[16:24])
        assert f"{width}x{height}" == icon["sizes"]


def test_every_page_links_the_manifest(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page

"""Web interface: server-rendered pages and the JSON API, driven by the modality registry."""

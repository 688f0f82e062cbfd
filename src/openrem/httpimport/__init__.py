"""Token-authenticated HTTP import of DICOM objects (used by the Orthanc Lua script, docs/orthanc.md)."""

"""DICOM networking: store SCP, echo, query-retrieve and the Orthanc integration."""

"""Interview forms, one module per area, mirroring interviews/views/."""

"""Live camera feedback: the pure session (session.py), the frame protocol and the
back-pressure slot (protocol.py), the recording of a set (recorder.py)."""

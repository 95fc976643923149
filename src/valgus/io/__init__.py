"""Adapters for files: video frames in, pose files in and out, result exports."""

"""Document camera (高拍仪) and ID-photo camera: V4L2, folder and emulated sources, Pillow pipeline."""

"""The output formats and the frame rates a GIF can play (a leaf: an encoder process imports it
without the rest of the plan)."""

FORMATS = ("gif", "mp4", "webm", "png", "html", "slides")
# Browsers play GIF delays of 10 ms or less as 100 ms and delays are whole hundredths of a second,
# so only these rates play as asked.
GIF_FPS = (10.0, 12.5, 20.0, 25.0, 50.0)

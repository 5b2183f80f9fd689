"""The interactive figure: `optiroll render --format html`, one self-contained page. No Manim.

`data.py` computes everything the page draws or prints (trajectories, the learning-rate grid's runs,
contours, ticks, markers, words); `page.py` writes it into the template shipped beside it
(`figure.html`, `figure.css`, `figure.js`), which only draws and formats those numbers.
"""

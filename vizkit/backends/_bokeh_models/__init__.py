"""bokeh models both bokeh-drawing backends build alike: styling, hover, the page around the plots.

The bokeh backend (:mod:`vizkit.backends.bokeh`) and the HoloViews backend (which HoloViews
renders to bokeh, :mod:`vizkit.backends.holoviews`) share these helpers, so the two draw the
same fonts, tooltips, sliders and captions. Every name here is public to both backends; none
of these modules imports bokeh at import time.

Modules
-------
``style``     fonts, colours and legend placement of plots and colour bars
``hover``     tooltips whose names are plain text and whose values are formatted as plotly's
``sizes``     panel sizes: the plan's cells less the toolbar bokeh adds to a grid
``widgets``   the frame slider, the token-row select and the frame switch between them
``page``      one layout of exactly the figure's size: title, frames, controls, caption; literal text
``embed``     page parts for export: BokehJS inline, the document as JSON, the image scripts
"""

"""The report (Heuer's step 7) as Markdown or as one self-contained HTML file.

``content.build`` computes what the report holds; ``markdown.render`` and
``html.render`` turn it into text.  Pure functions: the caller writes the file.
``markdown_text`` holds the one Markdown escaper, which the command line's
Markdown outputs share with the report.
"""

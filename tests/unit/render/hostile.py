"""A corpus of hostile article input: script injection, unsafe URLs, mXSS, parser bombs."""

from __future__ import annotations

SCHEMES = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
           "java&#x09;script:alert(1)", "&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)",
           "javascript&colon;alert(1)", "vbscript:msgbox(1)", "VBScript:msgbox(1)",
           "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "DATA:text/html,<script>alert(1)</script>",
           "//evil.example.com/x", "\\\\evil.example.com", "/\\evil.example.com", "%6Aavascript:alert(1)"]

PIECES = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<svg><script>alert(1)</script></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<base href="javascript:/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<a href="x" onclick="alert(1)" style="color:red">styled</a>',
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
    "<math><mtext><table><mglyph><style><!--</style><img title=\"--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=alert(1)&gt;\">",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "<!--<script>alert(1)</script>-->",
    "<div><style>*{x:expression(alert(1))}</style></div>",
    "<p id=\"-amp-evil\" class=\"i-amp-x\">ids</p>",
    "<details open ontoggle=alert(1)>",
    "<a href=\"jav&#x0A;ascript:alert(1)\">nl</a>",
]

TITLES = ['</script><script>alert(1)</script>', '<!--<script>', 'He said "hi" & \'bye\' <b>', "\u2028\u2029</SCRIPT >"]


def hostile_body() -> str:
    parts = [f"[link {i}]({url})" for i, url in enumerate(SCHEMES)]
    parts += [f"![img {i}]({url})" for i, url in enumerate(SCHEMES)]
    parts += [f'<a href="{url}">raw {i}</a>' for i, url in enumerate(SCHEMES)]
    parts += [f"[ref {i}][r{i}]\n\n[r{i}]: {url}" for i, url in enumerate(SCHEMES)]
    parts += [f"<{url}>" for url in SCHEMES]
    parts += PIECES
    parts.append('![alt with "quotes" and <tags> & stuff](media/river.jpg "title \\"q\\" <b>")')
    return "\n\n".join(parts)

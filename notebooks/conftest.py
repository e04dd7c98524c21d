"""`pytest notebooks/` alone (without tests/) also runs the notebooks on the made-up sample diary, never on the
diary of whoever runs the tests: set before nbval starts any kernel, which inherits it."""

import os

os.environ["BACKCOURSE_DIARY_SAMPLE"] = "1"

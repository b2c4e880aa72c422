"""The chat page for officers: the Gradio page's entry point, and the `dossier serve` command.

Thin on purpose: `build_page` composes the page from `page/`: its components (`page.layout`), the
handlers of its events (`page.handlers`, where errors become a short Dutch `gr.Error`) and the events
between them (`page.wiring`); the rest of this module starts and serves it. No retrieval here.
Gradio is imported only when the page is built, so `dossier ingest` and `dossier ask` start fast.
"""

import argparse
import logging
import os
import shutil
import sys
import time
from pathlib import Path

from index.errors import IndexMissing, IndexOutdated, SettingsError
from index.offline import go_offline
from page import guard
from page.conversation import Conversation  # noqa: F401  (the page's state; tests import it from here)

# Gradio reads its analytics switch when it is imported; set before any import of it, so nothing leaves.
go_offline()


# Questions the dossier answers well (tests/ui/test_examples.py asks each and checks the answer).
EXAMPLES = [
    "Waar meld ik arbeidsuitbuiting?",
    "Wat doet een aandachtsfunctionaris mensenhandel?",
    "Hoe verschilt mensenhandel van mensensmokkel?",
    "Ik vermoed uitbuiting bij een inwoner, wat moet ik doen?",
]
HEADER_REFRESH_SECONDS = 60  # the header's open/closed state follows the clock even without questions
STATIC = Path(__file__).resolve().parent / "page" / "static"
SYSTEM_FONTS = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]


# ---------------------------------------------------------------- the page


def build_page(assistant, settings):
    """The Gradio Blocks of the page, wired to `assistant` (anything with ask/sections/section_text/...)."""
    import gradio as gr

    from page import layout, wiring
    from page.handlers import Handlers

    handlers = Handlers(assistant, settings)
    with gr.Blocks(title="Vraagbaak mensenhandel", analytics_enabled=False) as page:
        components = layout.place(handlers, settings, EXAMPLES, HEADER_REFRESH_SECONDS)
        wiring.wire(page, components, handlers, EXAMPLES)
    return page


# ---------------------------------------------------------------- serving


def make_theme():
    """Default theme with system fonts (nothing fetched) and AA-contrast buttons."""
    import gradio as gr

    return gr.themes.Default(
        primary_hue="blue", neutral_hue="slate", font=SYSTEM_FONTS, font_mono=MONO_FONTS
    ).set(
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_text_color="white",
        button_primary_border_color="*primary_700",
        body_text_color_subdued="*neutral_600",
        input_placeholder_color="*neutral_500",
    )


def launch(page, settings, host: str, port: int, auth):
    """Start the server in the background: queue with a concurrency limit, no share link, no extras."""
    from starlette.middleware import Middleware

    from page import htmlpage, present
    from page.throttle import LoginGuard, LoginThrottle

    # uvicorn (started by Gradio) reads this: whose X-Forwarded-For it believes. Nobody's, unless told.
    os.environ["FORWARDED_ALLOW_IPS"] = guard.trusted_proxies(settings)
    throttle = LoginThrottle(
        settings.login_free_attempts, settings.login_lock_seconds, settings.login_lock_max_seconds
    )
    page.queue(default_concurrency_limit=settings.concurrency_limit, max_size=64)
    try:
        return page.launch(
            server_name=host,
            server_port=port,
            auth=auth,
            auth_message="Log in om de vraagbaak mensenhandel te gebruiken.",
            share=False,
            prevent_thread_lock=True,
            quiet=True,
            show_error=False,
            max_file_size="100kb",
            enable_monitoring=False,
            footer_links=[],
            run_history=False,  # not Gradio's copy of every run: `kept` holds the conversation (encrypted)
            mcp_server=False,
            pwa=False,
            ssr_mode=False,
            theme=make_theme(),
            css=present.PAGE_CSS + (STATIC / "vraagbaak.css").read_text(encoding="utf-8"),
            js=(STATIC / "vraagbaak.js").read_text(encoding="utf-8"),
            app_kwargs={
                "middleware": [
                    Middleware(guard.GuardMiddleware),
                    Middleware(htmlpage.DutchPage),
                    Middleware(LoginGuard, throttle=throttle, client_host=guard.client_host),
                ]
            },
        )
    except OSError as err:
        raise SettingsError(
            f"Poort {port} op {host} is bezet (draait de vraagbaak al?). "
            "Kies een andere poort met --port of DOSSIER_PORT."
        ) from err


def use_temp_dir(settings) -> None:
    """Gradio's temp folder inside the data folder, emptied at start: nothing piles up in /tmp."""
    folder = Path(settings.data_dir) / "tmp-gradio"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["GRADIO_TEMP_DIR"] = str(folder.resolve())


def load_assistant(settings):
    """The Assistant with model and index loaded; builds the index first when there is none."""
    from assistant.core import Assistant

    try:
        return Assistant(settings)
    except IndexMissing as missing:
        if settings.chroma_url:
            # Several page processes share one server: ingesting is the operator's step, done once.
            raise
        if isinstance(missing, IndexOutdated):  # another embedding model: the ingest rebuilds
            print(f"{missing} Dat gebeurt nu (eenmalig)…", flush=True)
        else:
            print("Er is nog geen index: het dossier wordt nu eerst ingelezen (eenmalig)…", flush=True)
        from ingest import cli as ingest_cli

        # The same run as `dossier ingest`; an unreadable file (exit 1) still leaves an index of the rest.
        ingest_cli.cmd_ingest(argparse.Namespace(rebuild=False, json=False), settings)
        return Assistant(settings)


def serve(args, settings) -> int:
    """`dossier serve`: load the assistant, warm it up, start the page and print its address."""
    started = time.monotonic()
    host = args.host or settings.host
    port = args.port or settings.port
    auth = guard.resolve_auth(settings, host)  # refuse before anything heavy is loaded
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # Gradio probing its own start-up
    print("Vraagbaak starten: model en index laden…", flush=True)
    assistant = load_assistant(settings)
    assistant.ask(EXAMPLES[0], [])  # warm-up: the first officer's question is as fast as the rest
    use_temp_dir(settings)  # before the page's components read it; after anything that can refuse to start
    page = build_page(assistant, settings)
    launch(page, settings, host, port, auth)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"Klaar in {time.monotonic() - started:.1f} s: http://{shown}:{port}", flush=True)
    if not guard.is_loopback(host):
        print(f"Luistert op {host}:{port}, met wachtwoord.", flush=True)
    try:
        page.block_thread()
    finally:
        shutil.rmtree(os.environ["GRADIO_TEMP_DIR"], ignore_errors=True)  # emptied again at the next start
    return 0


def main(argv: list[str] | None = None) -> int:
    """Console script `dossier`: every subcommand (registered in cli.py), `serve` handled here."""
    import cli

    return cli.run(argv, serve=serve)


if __name__ == "__main__":
    sys.exit(main())

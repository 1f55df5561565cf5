// Meridian's SQL editor: CodeMirror 6 behind a small plain-JS API,
// `window.MeridianEditor`, so the Rust side binds to a handful of methods
// (src/editor_bridge.rs) instead of CodeMirror's module graph. esbuild bundles
// this file into one classic script (public/vendor/editor.js) that the app
// serves itself, so the editor works offline.

import { minimalSetup } from "codemirror";
import { Compartment, EditorState, Prec } from "@codemirror/state";
import {
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  placeholder,
} from "@codemirror/view";
import { bracketMatching, indentOnInput } from "@codemirror/language";
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionStatus,
} from "@codemirror/autocomplete";
import { PostgreSQL, sql } from "@codemirror/lang-sql";
import { lintKeymap, setDiagnostics } from "@codemirror/lint";

// The engine speaks a PostgreSQL-like SQL, so that dialect's keywords,
// types and quoting fit best.
function sqlExtension(schema) {
  return sql({ dialect: PostgreSQL, schema, upperCaseKeywords: true });
}

const theme = EditorView.theme({
  // Fill the host; the host decides the size, the editor scrolls inside it.
  "&": { height: "100%" },
  ".cm-scroller": {
    overflow: "auto",
    fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
    fontSize: "13px",
  },
});

// Engine offsets count Unicode characters (Rust's `chars()`), CodeMirror's
// count UTF-16 code units; they differ only after characters outside the BMP.
function toDocOffset(text, chars) {
  let pos = 0;
  for (let i = 0; i < chars && pos < text.length; i++) {
    pos += text.codePointAt(pos) > 0xffff ? 2 : 1;
  }
  return pos;
}

// Turns the engine's error span into a range worth underlining: clamped to
// the document, and at least one character wide when the document allows,
// because an empty range (or a bare line break) draws no visible underline.
function errorRange(text, from, to) {
  const chars = (n) => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);
  let start = toDocOffset(text, chars(from));
  let end = Math.max(start, toDocOffset(text, chars(to)));
  if (start === end) {
    if (end < text.length && text[end] !== "\n") {
      end += text.codePointAt(end) > 0xffff ? 2 : 1;
    } else if (start > 0 && text[start - 1] !== "\n") {
      start -= /[\udc00-\udfff]/.test(text[start - 1]) && start > 1 ? 2 : 1;
    }
  }
  return { from: start, to: end };
}

function create(parent, options = {}) {
  if (!(parent instanceof Element)) {
    throw new TypeError("MeridianEditor.create needs a DOM element to live in");
  }
  const { doc = "", onChange, onRun, onCancel } = options;
  const language = new Compartment();

  // Prec.highest so Ctrl/Cmd+Enter runs the query rather than inserting a
  // line (the default keymap binds Mod-Enter), and Escape cancels.
  const appKeys = Prec.highest(
    keymap.of([
      { key: "Mod-Enter", run: () => (onRun?.(), true) },
      // The UI says "Ctrl+Enter" everywhere; on macOS Mod is Cmd, so bind
      // Ctrl too rather than make Mac users guess.
      { key: "Ctrl-Enter", run: () => (onRun?.(), true) },
      {
        key: "Escape",
        // An open (or pending) completion popup owns Escape: returning false
        // lets the completion keymap close it instead of cancelling the query.
        run: (view) => {
          if (completionStatus(view.state) !== null) return false;
          onCancel?.();
          return true;
        },
      },
    ]),
  );

  const extensions = [
    appKeys,
    minimalSetup, // history, default keymap, syntax colours (defaultHighlightStyle)
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightActiveLine(),
    indentOnInput(),
    bracketMatching(),
    closeBrackets(),
    autocompletion(),
    keymap.of([...closeBracketsKeymap, ...lintKeymap]),
    language.of(sqlExtension(undefined)),
    theme,
    // Screen readers announce the text box by this name.
    EditorView.contentAttributes.of({ "aria-label": "SQL" }),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) onChange?.(update.state.doc.toString());
    }),
  ];
  if (options.placeholder) extensions.push(placeholder(options.placeholder));

  const view = new EditorView({
    parent,
    state: EditorState.create({ doc: String(doc), extensions }),
  });

  return {
    getDoc: () => view.state.doc.toString(),

    // Replaces the whole text as one undoable change, so Ctrl+Z brings back
    // what a preview overwrote. Same text: nothing happens, which also stops
    // a change -> onChange -> setDoc loop on the Rust side.
    setDoc(text) {
      text = String(text ?? "");
      if (text === view.state.doc.toString()) return;
      view.dispatch({
        changes: { from: 0, to: view.state.doc.length, insert: text },
        selection: { anchor: text.length },
      });
    },

    // `schema` is `{ table: [column, ...] }`; a fresh sql() extension is the
    // documented way to change what lang-sql completes.
    setSchema(schema) {
      view.dispatch({
        effects: language.reconfigure(sqlExtension(schema ?? undefined)),
      });
    },

    // `from`/`to` count characters (see toDocOffset).
    setError(from, to, message) {
      const range = errorRange(view.state.doc.toString(), from, to);
      const diagnostic = { ...range, severity: "error", message: String(message) };
      view.dispatch(setDiagnostics(view.state, [diagnostic]));
    },

    clearError() {
      view.dispatch(setDiagnostics(view.state, []));
    },

    focus: () => view.focus(),

    destroy: () => view.destroy(),
  };
}

window.MeridianEditor = { create };

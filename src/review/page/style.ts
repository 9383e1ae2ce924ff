/** The review page's stylesheet (inline, no outside fonts or images). */
export const STYLE = String.raw`
:root {
  --rijk: #154273; --rijk-2: #01689b; --ink: #1b1b1b; --muted: #5f6b7a; --line: #d8dee6; --bg: #f3f5f8; --card: #fff;
  --zak: #1d5fa8; --zak-bg: #e4eefa; --pri: #a34a00; --pri-bg: #fdebd9; --pp: #6f2c91; --pp-bg: #efe3f6;
  --ok: #2f7d32; --warn: #8a6100; --err: #b00020; --focus: #ffb612;
  /* Focus and selection rings must stand out 3:1 from what is around them (WCAG 1.4.11): the yellow only on dark blue. */
  --ring: #1b1b1b;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", Arial, sans-serif;
  font-size: 14px; color: var(--ink); background: var(--bg);
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { display: grid; grid-template-rows: auto 1fr auto; height: 100vh; overflow: hidden; }
button, select, input, textarea { font: inherit; color: inherit; }
button { cursor: pointer; border: 1px solid var(--line); background: #fff; border-radius: 4px; padding: 4px 10px; }
button:hover { border-color: var(--rijk-2); }
button:focus-visible, select:focus-visible, input:focus-visible, textarea:focus-visible, .conv:focus-visible { outline: 3px solid var(--ring); outline-offset: 1px; }
header.top :focus-visible { outline-color: var(--focus); }
button.primary { background: var(--rijk); color: #fff; border-color: var(--rijk); }
button.primary:hover { background: var(--rijk-2); }
button.danger { color: var(--err); border-color: #e2b3bb; }
button[disabled] { opacity: .5; cursor: default; }

header.top { background: var(--rijk); color: #fff; display: flex; align-items: center; gap: 24px; padding: 10px 20px; }
header.top .brand { font-weight: 700; font-size: 16px; letter-spacing: .2px; white-space: nowrap; }
header.top .brand small { display: block; font-weight: 400; font-size: 12px; opacity: .85; }
header.top .who { flex: 1; min-width: 0; }
header.top .who b { display: block; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
header.top .who span { font-size: 12px; opacity: .85; }
header.top .overall { min-width: 260px; font-size: 12px; }
header.top .reviewer { font-size: 13px; white-space: nowrap; }
header.top .reviewer button { background: transparent; color: #fff; border-color: rgba(255,255,255,.5); padding: 2px 8px; margin-left: 6px; }
.bar { height: 6px; background: rgba(0,0,0,.12); border-radius: 3px; overflow: hidden; display: flex; margin-top: 4px; }
header.top .bar { background: rgba(255,255,255,.25); }
.bar i { display: block; height: 100%; }
.bar .d { background: var(--ok); } .bar .p { background: #e0a800; }
header.top .bar .d { background: #8fd694; }

main { display: grid; grid-template-columns: 330px 1fr; min-height: 0; }
aside { border-right: 1px solid var(--line); background: var(--card); display: flex; flex-direction: column; min-height: 0; }
aside .filters { padding: 12px; border-bottom: 1px solid var(--line); display: grid; gap: 8px; }
aside .filters label { display: flex; align-items: center; gap: 8px; font-size: 13px; min-width: 0; }
aside .filters select { flex: 1; min-width: 0; width: 100%; padding: 3px 4px; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
aside .filters .lbl { width: 72px; color: var(--muted); }
#convs { overflow: auto; flex: 1; }
.conv { padding: 10px 12px; border-bottom: 1px solid #eef1f5; cursor: pointer; outline: none; }
.conv:hover { background: #f6f9fc; }
.conv.active { background: #e8f0f9; box-shadow: inset 4px 0 0 var(--rijk); }
.conv .t { font-weight: 600; display: flex; gap: 6px; align-items: center; }
.conv .t span.title { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; flex: 1; }
.conv .meta { color: var(--muted); font-size: 12px; margin-top: 2px; }
.conv .counts { font-size: 12px; margin-top: 4px; display: flex; gap: 10px; }
.count-open { color: var(--err); font-weight: 600; } .count-pending { color: var(--warn); } .count-done { color: var(--ok); }
.plat { font-size: 10px; text-transform: uppercase; letter-spacing: .4px; border: 1px solid var(--line); border-radius: 3px; padding: 0 4px; color: var(--muted); font-weight: 600; }
.empty { padding: 24px; color: var(--muted); }

section.view { display: flex; flex-direction: column; min-height: 0; min-width: 0; }
.conv-head { background: var(--card); border-bottom: 1px solid var(--line); padding: 12px 20px; }
.conv-head h1 { font-size: 18px; margin: 0 0 2px; }
.conv-head .sub { color: var(--muted); font-size: 12px; }
.toolbar { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-top: 8px; }
.toolbar .tlabel { font-size: 11px; text-transform: uppercase; letter-spacing: .5px; color: var(--muted); font-weight: 700; }
.toolbar .sep { width: 1px; align-self: stretch; background: var(--line); }
.toolbar select { padding: 3px 4px; border: 1px solid var(--line); border-radius: 4px; background: #fff; max-width: 200px; }
.toggle { display: inline-flex; gap: 6px; align-items: center; font-weight: 600; }
.pos { color: var(--muted); font-size: 12px; margin-left: auto; white-space: nowrap; }
.head-marks { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 8px; }
.preview-note { background: #fff8e1; border-bottom: 1px solid #f0dc9a; color: #5c4400; padding: 6px 20px; font-size: 12px; }

#msgs:focus { outline: none; }
#msgs { flex: 1; overflow-y: auto; overflow-anchor: auto; padding: 8px 20px 40px; position: relative; }
/* Off-screen rows skip layout and paint; scroll anchoring keeps the view steady when their real height arrives. */
#rows .msg { content-visibility: auto; contain-intrinsic-size: auto 72px; }
.day { text-align: center; margin: 14px 0 6px; color: var(--muted); font-size: 12px; font-weight: 600; }
.msg { display: grid; grid-template-columns: 64px minmax(0, 1fr) 310px; gap: 12px; padding: 8px 10px; margin: 4px 0; background: var(--card);
  border: 1px solid #e7ebf0; border-left: 4px solid #e7ebf0; border-radius: 4px; }
.msg.cursor { outline: 2px solid var(--rijk-2); outline-offset: 0; }
.msg.cat-zakelijk { border-left-color: var(--zak); } .msg.cat-privé { border-left-color: var(--pri); } .msg.cat-partijpolitiek { border-left-color: var(--pp); }
.msg .time { color: var(--muted); font-size: 12px; font-variant-numeric: tabular-nums; padding-top: 2px; }
.msg .sender { font-weight: 600; font-size: 13px; margin-bottom: 2px; }
.msg .sender.self { color: var(--rijk); }
.msg .text { white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.45; }
.msg .flags { color: var(--muted); font-size: 11px; margin-top: 3px; }
.msg.system { grid-template-columns: 64px minmax(0, 1fr) 310px; background: transparent; border-style: dashed; border-left-width: 1px; }
.msg.system .text { color: var(--muted); font-style: italic; }
.msg.deleted .text { color: var(--muted); font-style: italic; }
.att { display: inline-flex; gap: 6px; align-items: center; border: 1px solid var(--line); border-radius: 4px; padding: 2px 8px; margin: 4px 6px 0 0; font-size: 12px; background: #fafbfc; }
.att b { font-size: 10px; text-transform: uppercase; letter-spacing: .4px; color: var(--muted); }
.att.missing { color: var(--err); border-style: dashed; }
mark.pas { background: var(--pri-bg); color: inherit; border-bottom: 2px solid var(--pri); padding: 0 1px; border-radius: 2px; }
mark.pas.cat-zakelijk { background: var(--zak-bg); border-bottom-color: var(--zak); }
mark.pas.cat-partijpolitiek { background: var(--pp-bg); border-bottom-color: var(--pp); }
mark.pas.st-suggested { border-bottom-style: dashed; }
mark.pas.sel { outline: 2px solid var(--ring); }

.marks { display: flex; flex-direction: column; gap: 6px; }
.mk { border: 1px solid var(--line); border-left: 4px solid var(--line); border-radius: 4px; padding: 5px 8px; font-size: 12px; background: #fff; cursor: pointer; }
.mk.cat-zakelijk { border-left-color: var(--zak); } .mk.cat-privé { border-left-color: var(--pri); } .mk.cat-partijpolitiek { border-left-color: var(--pp); }
.mk.sel { box-shadow: 0 0 0 2px var(--focus), 0 0 0 4px var(--ring); }
/* Keyboard focus on a card: a ring outside the selection rings (which end 4px out). */
.mk:focus { outline: none; }
.mk:focus-visible { outline: 3px solid var(--ring); outline-offset: 6px; }
.mk .row1 { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; }
.mk .why { color: var(--muted); margin-top: 2px; overflow-wrap: anywhere; }
.mk .dec { margin-top: 2px; overflow-wrap: anywhere; }
.mk .text-changed { margin-top: 4px; padding: 2px 6px; border-left: 3px solid var(--warn); color: var(--warn); font-weight: 600; }
.count-text-changed { color: var(--warn); font-weight: 600; }
.page { display: flow-root; }
.mk .acts { display: none; gap: 4px; margin-top: 5px; flex-wrap: wrap; }
.mk.sel .acts { display: flex; }
.mk .acts button { padding: 1px 7px; font-size: 12px; }
.cat { font-weight: 700; border-radius: 3px; padding: 0 6px; font-size: 11px; }
.cat.zakelijk { background: var(--zak-bg); color: var(--zak); } .cat.privé { background: var(--pri-bg); color: var(--pri); } .cat.partijpolitiek { background: var(--pp-bg); color: var(--pp); }
.st { font-size: 11px; border-radius: 3px; padding: 0 5px; border: 1px solid var(--line); }
.st.open { color: var(--err); border-color: #e9b9c1; } .st.pending { color: var(--warn); border-color: #ecd38c; background: #fff8e1; }
.st.decided { color: var(--ok); border-color: #b7dcb9; } .st.lapsed, .st.gone { color: var(--muted); }
.mk.rejected { opacity: .7; } .mk.rejected .cat { text-decoration: line-through; }

.slot-marker { background: repeating-linear-gradient(135deg, #f1f3f6, #f1f3f6 8px, #e9edf2 8px, #e9edf2 16px); color: #3d4652; font-weight: 600; }
.redacted { background: #2b2f36; color: #fff; border-radius: 3px; padding: 0 4px; font-size: 12px; }
.conv-marker { margin: 40px auto; max-width: 640px; text-align: center; padding: 28px; border: 1px dashed #9aa5b1; border-radius: 6px; background: #fff; }

footer { background: #fff; border-top: 1px solid var(--line); padding: 6px 20px; font-size: 12px; color: var(--muted); display: flex; gap: 16px; flex-wrap: wrap; }
kbd { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 11px; border: 1px solid #c6ccd4; border-bottom-width: 2px; border-radius: 3px; padding: 0 4px; background: #f8f9fa; color: var(--ink); }

.overlay { position: fixed; inset: 0; background: rgba(16, 28, 45, .45); display: flex; align-items: center; justify-content: center; z-index: 10; }
.dialog { background: #fff; border-radius: 6px; width: min(520px, 92vw); padding: 20px; box-shadow: 0 12px 40px rgba(0,0,0,.25); }
.dialog h2 { margin: 0 0 6px; font-size: 17px; }
.dialog p { margin: 0 0 12px; color: var(--muted); }
.dialog textarea, .dialog input[type=text] { width: 100%; border: 1px solid #b9c2cc; border-radius: 4px; padding: 8px; }
.dialog textarea { min-height: 80px; resize: vertical; }
.dialog .quick { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
.dialog .quick button { font-size: 12px; padding: 2px 8px; }
.dialog .btns { display: flex; justify-content: flex-end; gap: 8px; margin-top: 14px; }
.dialog .fld { display: block; font-size: 13px; font-weight: 600; margin: 8px 0 4px; }
.dialog select, .dialog input[type=number] { width: 100%; border: 1px solid #b9c2cc; border-radius: 4px; padding: 6px; }
.dialog .pair { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.dialog .pas-preview { white-space: pre-wrap; min-height: 1.5em; max-height: 8em; overflow: auto; padding: 6px 8px; border-left: 3px solid #154273; background: #f3f6f9; }
.dialog .err { color: var(--err); font-size: 12px; min-height: 16px; margin-top: 4px; }
.history { margin: 0 0 8px; padding-left: 20px; max-height: 50vh; overflow: auto; }
.history li { margin: 4px 0; overflow-wrap: anywhere; }
.help-grid { display: grid; grid-template-columns: auto 1fr; gap: 6px 14px; }
.help-grid { align-items: baseline; margin-bottom: 8px; }
.help-grid kbd { justify-self: start; white-space: nowrap; }
#toast { position: fixed; right: 20px; bottom: 44px; max-width: 420px; z-index: 20; display: flex; flex-direction: column; gap: 8px; }
#toast div { background: #1f2933; color: #fff; padding: 10px 14px; border-radius: 4px; box-shadow: 0 4px 14px rgba(0,0,0,.2); }
#toast div.err { background: var(--err); }
#toast div.warn { background: #8a5a00; }
.placeholder { color: var(--muted); padding: 60px 20px; text-align: center; }
.loading { color: var(--muted); padding: 8px; text-align: center; font-size: 12px; }
`;

// Ink measures every piece of text it lays out with string-width. For a string with any
// character outside printable ASCII, string-width segments it into graphemes and tests each
// against Unicode property regexes (RGI_Emoji, Spacing_Mark…) that V8 takes some 40 ms to
// compile on their first use — the home menu's "❯" alone cost that much of its first frame. The
// characters below are each one column wide by string-width's own measure, alone and beside any
// other (test/ui/narrow-text.test.ts checks every one of them against each string-width
// installed): a string made of them only is as wide as it is long, with no regex of Unicode
// properties to compile. The builds put this in front of string-width (scripts/narrow-width.mjs);
// any other string goes to string-width itself.
const NARROW =
  /^[\u0020-\u007E\u00A0-\u00A8\u00AA-\u00AC\u00AF-\u02FF\u0370-\u0482\u048A-\u04FF\u2010-\u2029\u202F-\u203B\u203D-\u2048\u204A-\u205E\u2070-\u20CF\u2100-\u2121\u2123-\u2138\u213A-\u2193\u219A-\u21A8\u21AB-\u2319\u231C-\u2327\u232B-\u23CE\u23D0-\u23E8\u23F4-\u23F7\u23FB-\u23FF\u2500-\u25A9\u25AC-\u25B5\u25B7-\u25BF\u25C1-\u25FA\u25FF\u2605-\u260D\u260F-\u2610\u2612-\u2613\u2616-\u2617\u2619-\u261C\u261E-\u261F\u2621\u2624-\u2625\u2627-\u2629\u262B-\u262D\u263B-\u263F\u2641\u2643-\u2647\u2654-\u265E\u2661-\u2662\u2664\u2667\u2669-\u267A\u267C-\u267D\u2680-\u2689\u2690-\u2691\u2698\u269A\u269D-\u269F\u26A2-\u26A6\u26A8-\u26A9\u26AC-\u26AF\u26B2-\u26BC\u26BF-\u26C3\u26C6-\u26C7\u26C9-\u26CD\u26D0\u26D2\u26D5-\u26E8\u26EB-\u26EF\u26F6\u26FB-\u26FC\u26FE-\u2701\u2703-\u2704\u2706-\u2707\u270E\u2710-\u2711\u2713\u2715\u2717-\u271C\u271E-\u2720\u2722-\u2727\u2729-\u2732\u2735-\u2743\u2745-\u2746\u2748-\u274B\u274D\u274F-\u2752\u2756\u2758-\u2762\u2765-\u2794\u2798-\u27A0\u27A2-\u27AF\u27B1-\u27BE\u2900-\u2933\u2936-\u2B04\u2B08-\u2B1A\u2B1D-\u2B4F\u2B51-\u2B54\u2B56-\u2BFF]*$/;

/** Whether every character of `text` (no escape codes) is one column wide: then its width is its length. */
export function isNarrowText(text: string): boolean {
  return NARROW.test(text);
}

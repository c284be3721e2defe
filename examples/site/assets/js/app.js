// The page's module: it imports another module (rewritten to its hashed
// name by staticfiles.Collect) that changes the page.
import { mark } from "./lib/mark.js";

mark(document.getElementById("status"));

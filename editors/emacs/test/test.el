;;; test.el --- Batch test of qalam.el + Eglot against the real server  -*- lexical-binding: t; -*-

;; emacs --batch -Q -l test.el   (see run.sh)
;; Environment: QALAM_BIN, QALAM_FIXTURE, QALAM_EMACS_DIR (editors/emacs), QALAM_TEST_LANG ("en" or "ar").
;; Prints one ok/FAIL line per check; exits 0 when all pass, 1 otherwise.

;;; Code:

(set-language-environment "UTF-8")
(setq debug-on-error nil
      inhibit-message nil
      eglot-send-changes-idle-time 0.05
      eglot-events-buffer-size 0)

;; Emacs 28 + Debian's elpa-eglot: the package lives under site-lisp/elpa.
(dolist (dir (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (when (file-directory-p dir) (add-to-list 'load-path dir)))
(package-initialize)
(add-to-list 'load-path (getenv "QALAM_EMACS_DIR"))
(require 'qalam)
(require 'cl-lib)

(defvar qalam-test-failures 0)
(defconst qalam-test-timeout 15.0)

(defun qalam-test-say (fmt &rest args)
  (princ (concat (apply #'format fmt args) "\n")))

(defun qalam-test-check (cond what &optional detail)
  (if cond
      (qalam-test-say "ok   %s" what)
    (setq qalam-test-failures (1+ qalam-test-failures))
    (qalam-test-say "FAIL %s%s" what (if detail (format ": %S" detail) "")))
  cond)

(defun qalam-test-wait (pred)
  "Process events until PRED is non-nil or the timeout passes; return PRED's value."
  (let ((deadline (+ (float-time) qalam-test-timeout)) value)
    (while (and (not (setq value (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.02))
    value))

;; Every publishDiagnostics notification, newest first: (URI VERSION . DIAGNOSTICS-VECTOR).
(defvar qalam-test-published nil)
(cl-defmethod eglot-handle-notification :before
  (_server (_method (eql textDocument/publishDiagnostics)) &key uri version diagnostics &allow-other-keys)
  (push (cons uri (cons version diagnostics)) qalam-test-published))

(defun qalam-test-diagnostics (code)
  "The diagnostics with CODE in the newest publication (a list of plists)."
  (let ((latest (car qalam-test-published)))
    (seq-filter (lambda (d) (equal (plist-get d :code) code)) (cddr latest))))

(defun qalam-test-find (needle &optional line)
  "Buffer position of NEEDLE's first character (on 1-based LINE when given)."
  (save-excursion
    (goto-char (point-min))
    (when line (forward-line (1- line)))
    (search-forward needle (if line (line-end-position) nil))
    (match-beginning 0)))

(defun qalam-test-tree-has (tree string)
  "Non-nil when STRING occurs as a string anywhere in TREE (conses and vectors)."
  (cond ((stringp tree) (string-match-p (regexp-quote string) tree))
        ((consp tree) (or (qalam-test-tree-has (car tree) string) (qalam-test-tree-has (cdr tree) string)))
        ((vectorp tree) (seq-some (lambda (x) (qalam-test-tree-has x string)) tree))))

(cl-defun qalam-test-run ()
  (let* ((bin (getenv "QALAM_BIN"))
         (lang (or (getenv "QALAM_TEST_LANG") "en"))
         (group (if (equal lang "ar") "الاقتباسات" "Quotations"))
         (qalam-executable bin)
         (qalam-lang lang))
    (qalam-test-say "emacs %s, eglot %s, lang=%s" emacs-version
                    (file-name-nondirectory (directory-file-name (file-name-directory (locate-library "eglot")))) lang)
    (find-file (getenv "QALAM_FIXTURE"))
    (text-mode)
    ;; The contact comes from qalam.el's entry in eglot-server-programs.
    (let* ((guess (eglot--guess-contact))
           (contact (nth 3 guess))
           (language-id (nth 4 guess)))
      (qalam-test-check (and (equal (car contact) bin) (equal (seq-take (cdr contact) 2) '("serve" "--stdio")))
                        "eglot-server-programs gives qalam serve --stdio for text-mode" contact)
      (qalam-test-check (equal language-id "plaintext") "languageId is plaintext" language-id)
      (apply #'eglot guess))
    (let ((server (qalam-test-wait #'eglot-current-server)))
      (unless (qalam-test-check server "eglot starts and initializes qalam serve")
        (cl-return-from qalam-test-run))
      (qalam-test-check (eglot--server-capable :hoverProvider) "server offers hover")
      (qalam-test-check (eglot--server-capable :documentSymbolProvider) "server offers documentSymbol")

      ;; Diagnostics: the stray closing mark after المياه on line 3, at exactly that character.
      (let ((stray (+ (qalam-test-find "المياه\"" 3) (length "المياه"))))
        (qalam-test-wait (lambda () (qalam-test-diagnostics "unmatched-closing-quote")))
        (qalam-test-say "     diagnostics: %s"
                        (mapconcat (lambda (d) (format "%s@%s" (plist-get d :code)
                                                       (plist-get (plist-get d :range) :start)))
                                   (cddr (car qalam-test-published)) " "))
        (let ((found (qalam-test-diagnostics "unmatched-closing-quote")))
          (qalam-test-check (= (length found) 1) "one unmatched-closing-quote diagnostic" found)
          (when found
            ;; eglot 1.9 counts columns in UTF-16 units, as the server does when no encoding is offered.
            (let ((region (eglot--range-region (plist-get (car found) :range))))
              (qalam-test-check (equal region (cons stray (1+ stray)))
                                "unmatched-closing-quote covers exactly the stray mark"
                                (list :got region :want (cons stray (1+ stray)))))
            (qalam-test-check (equal (plist-get (car found) :source) "qalam") "diagnostic source is qalam")
            (qalam-test-check (eql (plist-get (car found) :severity) 2) "unmatched-closing-quote is a warning")
            (let ((others (seq-remove (lambda (d) (equal (plist-get d :code) "unmatched-closing-quote"))
                                      (cddr (car qalam-test-published)))))
              (qalam-test-check (null others) "no other diagnostic on the clean lines"
                                (mapcar (lambda (d) (plist-get d :code)) others)))
            (qalam-test-check (eql (nth 1 (car qalam-test-published)) eglot--versioned-identifier)
                              "diagnostics carry the document version"
                              (list :got (nth 1 (car qalam-test-published)) :want eglot--versioned-identifier)))))

      ;; Hover on the surname in «وقال شكري»: the canonical name is the full name from line 1.
      (goto-char (1+ (qalam-test-find "شكري" 2)))
      (let* ((hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams)))
             (contents (plist-get hover :contents))
             (text (cond ((stringp contents) contents)
                         ((plist-get contents :value))
                         (t (format "%S" contents)))))
        (qalam-test-check (and text (string-match-p "سامح شكري" text))
                          "hover names the canonical name سامح شكري" text)
        (when (plist-get hover :range)
          (let ((start (qalam-test-find "شكري" 2)))
            (qalam-test-check (equal (eglot--range-region (plist-get hover :range))
                                     (cons start (+ start (length "شكري"))))
                              "hover range is the mention شكري" (plist-get hover :range)))))

      ;; Document symbols, raw and as Emacs shows them (imenu).
      (let* ((symbols (jsonrpc-request server :textDocument/documentSymbol
                                       `(:textDocument ,(eglot--TextDocumentIdentifier))))
             (quotes (seq-find (lambda (s) (equal (plist-get s :name) group)) symbols)))
        (qalam-test-check quotes (format "symbol tree has the %s group" group) symbols)
        (when quotes
          (let ((children (plist-get quotes :children)))
            (qalam-test-check (= (length children) 1) "one quotation in the group" children)
            (when (> (length children) 0)
              (let* ((q (aref children 0))
                     (open (qalam-test-find "\"" 2))
                     (close (1+ (qalam-test-find "\"." 2))))
                (qalam-test-check (equal (eglot--range-region (plist-get q :range)) (cons open close))
                                  "quotation range spans its marks exactly" (plist-get q :range))
                (qalam-test-check (string-match-p "شكري" (or (plist-get q :detail) ""))
                                  "quotation detail names the speaker" (plist-get q :detail))))))
        (qalam-test-check (seq-some (lambda (group)
                                      (seq-some (lambda (child) (equal (plist-get child :name) "سامح شكري"))
                                                (plist-get group :children)))
                                    symbols)
                          "symbol tree has a group holding the person سامح شكري"))
      (let ((index (eglot-imenu)))
        (qalam-test-check (and (qalam-test-tree-has index group) (qalam-test-tree-has index "إن التنسيق"))
                          "imenu shows the quotations group and the quotation" index))

      ;; Settings: `eglot-workspace-configuration', pushed by `eglot-signal-didChangeConfiguration' as
      ;; {"settings": {"qalam": …}}: a severity override, then a disabled code, then the defaults again.
      (cl-flet ((push-settings (qalam)
                  (setq-default eglot-workspace-configuration (list :qalam qalam))
                  (eglot-signal-didChangeConfiguration server))
                (stray-severity ()
                  (plist-get (car (qalam-test-diagnostics "unmatched-closing-quote")) :severity)))
        (push-settings '(:diagnostics (:severity (:unmatched-closing-quote "error"))))
        (qalam-test-check (qalam-test-wait (lambda () (eql (stray-severity) 1)))
                          "pushed settings: the severity override makes it an error"
                          (car qalam-test-published))
        (push-settings '(:diagnostics (:enabled (:unmatched-closing-quote :json-false))))
        (qalam-test-check (qalam-test-wait (lambda () (null (qalam-test-diagnostics "unmatched-closing-quote"))))
                          "pushed settings: the disabled code is no longer published"
                          (car qalam-test-published))
        (push-settings '(:diagnostics (:enabled #s(hash-table) :severity #s(hash-table))))
        (qalam-test-check (qalam-test-wait (lambda () (eql (stray-severity) 2)))
                          "back to the defaults: a warning again"
                          (car qalam-test-published))
        (setq-default eglot-workspace-configuration nil))

      ;; Edits: insert a line at the top, then delete the stray mark.
      ;; Eglot sends didChange from an idle timer, and batch Emacs is never idle: flush by hand, as the
      ;; timer would.
      (goto-char (point-min))
      (insert "تقرير خاص 🌍\n")
      (eglot--signal-textDocument/didChange)
      (let ((moved (qalam-test-wait
                    (lambda ()
                      (let ((d (car (qalam-test-diagnostics "unmatched-closing-quote"))))
                        (and d (eql (plist-get (plist-get (plist-get d :range) :start) :line) 3)))))))
        (qalam-test-check moved "after inserting a line, the diagnostic moves to line 4"))
      (let ((stray (+ (qalam-test-find "المياه\"" 4) (length "المياه"))))
        (delete-region stray (1+ stray)))
      (eglot--signal-textDocument/didChange)
      (qalam-test-check (qalam-test-wait (lambda () (null (qalam-test-diagnostics "unmatched-closing-quote"))))
                        "deleting the stray mark clears the diagnostic")
      (set-buffer-modified-p nil)

      ;; shutdown + exit by hand: Emacs 28's jsonrpc-shutdown (under eglot-shutdown) kills the process at
      ;; once, so it would hide how the server itself ends.
      (let ((process (jsonrpc--process server)))
        (qalam-test-check (null (jsonrpc-request server :shutdown nil)) "shutdown answers null")
        (setf (eglot--shutdown-requested server) t) ; no "server died" handling or reconnection
        (jsonrpc-notify server :exit nil)
        (qalam-test-wait (lambda () (not (process-live-p process))))
        (qalam-test-check (and (eq (process-status process) 'exit) (eql (process-exit-status process) 0))
                          "server exits with status 0 after shutdown/exit"
                          (list (process-status process) (process-exit-status process)))))))

(condition-case err
    (qalam-test-run)
  (error (setq qalam-test-failures (1+ qalam-test-failures))
         (qalam-test-say "FAIL test script error: %S" err)))
(qalam-test-say (if (zerop qalam-test-failures) "PASS emacs" (format "FAIL emacs: %d check(s) failed" qalam-test-failures)))
(kill-emacs (if (zerop qalam-test-failures) 0 1))

;;; qalam.el --- Eglot support for qalam, the Arabic prose language server  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1") (eglot "1.9"))
;; Keywords: languages, i18n, convenience
;; SPDX-License-Identifier: MIT OR Apache-2.0

;;; Commentary:

;; qalam reads Arabic prose while it is written: who is named in it, who said what, and where quotation
;; marks or spellings go wrong.  Loading this file registers `qalam serve --stdio' with Eglot for the modes
;; in `qalam-modes' (text-mode, markdown-mode and gfm-mode by default; modes derived from them, such as
;; org-mode, match too).  Then M-x eglot in such a buffer starts it, or call `qalam-enable' once to
;; start it automatically:
;;
;;   (add-to-list 'load-path "/path/to/qalam/editors/emacs")
;;   (require 'qalam)
;;   (setq qalam-executable "/path/to/qalam")   ; when `qalam' is not on `exec-path'
;;   (qalam-enable)                              ; optional: eglot-ensure in `qalam-modes'
;;
;; Diagnostics appear through Flymake, hover through ElDoc, the outline (quotations, people,
;; organizations, places) through imenu.

;;; Code:

(require 'eglot)
(require 'seq)

(defgroup qalam nil
  "The qalam language server for Arabic prose."
  :group 'eglot
  :prefix "qalam-")

(defcustom qalam-executable "qalam"
  "The qalam program: a name looked up on `exec-path', or a file name."
  :type 'string)

(defcustom qalam-modes '(text-mode markdown-mode gfm-mode)
  "Major modes whose buffers qalam analyses (modes derived from them match too).
Changing it takes effect on the next `qalam-register'."
  :type '(repeat symbol))

(defcustom qalam-lang 'auto
  "Language of diagnostic messages, hovers and outline groups.
`auto' uses Arabic when the Emacs language environment or the locale
\(LC_ALL, LC_MESSAGES, LANG) is Arabic, else the server's default (English);
\"ar\" or \"en\" is sent as initializationOptions.lang.
Takes effect when the server (re)starts."
  :type '(choice (const :tag "Follow Emacs" auto)
                 (const :tag "Arabic" "ar")
                 (const :tag "English" "en")))

(defun qalam--lang ()
  "The `lang' to send in initializationOptions, or nil for the server's default."
  (cond ((member qalam-lang '("ar" "en")) qalam-lang)
        ((or (equal current-language-environment "Arabic")
             (let ((locale (or (getenv "LC_ALL") (getenv "LC_MESSAGES") (getenv "LANG") "")))
               (string-prefix-p "ar" (downcase locale))))
         "ar")))

(defun qalam--initialization-options (_server)
  "The initializationOptions for qalam.
Either (:lang \"ar\"), (:lang \"en\") or an empty JSON object."
  (let ((lang (qalam--lang)))
    (if lang (list :lang lang) (make-hash-table))))

(defun qalam-contact (&rest _)
  "The Eglot contact for qalam.
That is `qalam-executable' serve --stdio, with its initializationOptions."
  (list qalam-executable "serve" "--stdio"
        :initializationOptions #'qalam--initialization-options))

(defun qalam--mode-specs ()
  "`qalam-modes' as Eglot mode specifications, with LSP language identifiers."
  (mapcar (lambda (mode)
            (list mode :language-id
                  (if (memq mode '(markdown-mode gfm-mode)) "markdown" "plaintext")))
          qalam-modes))

(defun qalam--own-entry-p (entry)
  "Non-nil when ENTRY of `eglot-server-programs' is qalam's."
  (eq (cdr-safe entry) #'qalam-contact))

;;;###autoload
(defun qalam-register ()
  "Put qalam first in `eglot-server-programs' for `qalam-modes' (idempotent)."
  (interactive)
  (setq eglot-server-programs
        (cons (cons (qalam--mode-specs) #'qalam-contact)
              (seq-remove #'qalam--own-entry-p eglot-server-programs))))

;;;###autoload
(defun qalam-enable ()
  "Start qalam automatically (`eglot-ensure') in the buffers of `qalam-modes'."
  (interactive)
  (qalam-register)
  (dolist (mode qalam-modes)
    (add-hook (intern (format "%s-hook" mode)) #'eglot-ensure)))

(defun qalam-disable ()
  "Undo `qalam-enable': stop starting qalam automatically.
Running servers are left alone."
  (interactive)
  (dolist (mode qalam-modes)
    (remove-hook (intern (format "%s-hook" mode)) #'eglot-ensure)))

(qalam-register)

(provide 'qalam)
;;; qalam.el ends here

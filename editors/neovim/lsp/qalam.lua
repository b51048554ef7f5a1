-- Neovim 0.11+: with editors/neovim on 'runtimepath', `vim.lsp.enable('qalam')` uses this configuration.
-- Override fields with vim.lsp.config('qalam', { cmd = { '/path/to/qalam', 'serve', '--stdio' } }).
return {
  cmd = { 'qalam', 'serve', '--stdio' },
  filetypes = { 'text', 'markdown' },
  root_markers = { '.git' },
  -- init_options = { lang = 'ar' },  -- 'ar' | 'en': language of messages (default: the editor's locale)
  -- Answered to the server's workspace/configuration (section "qalam"), e.g.
  -- { qalam = { diagnostics = { enabled = { ['repeated-word'] = false }, severity = { ['unclosed-quote'] = 'error' } } } }
  settings = { qalam = {} },
  before_init = function(params)
    if params.locale == nil then
      params.locale = require('qalam').locale()
    end
  end,
}

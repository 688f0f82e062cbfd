-- /etc/orthanc/openrem-options.lua: this site's options for openrem.lua (listed before it in the
-- "LuaScripts" setting of orthanc.json). It holds the import token: chown root:orthanc, chmod 640.
-- Any option of the table at the top of openrem.lua can be given here.
openrem_options = {
  openrem_url = 'http://127.0.0.1:8000/import/orthanc/',
  import_token = 'PASTE-THE-TOKEN-FROM-openrem-create_import_token-HERE',
  -- manufacturers_to_ignore = {'Faxitron X-Ray LLC', 'Gendex-KaVo'},
  -- use_physics_filtering = true,
  -- physics_to_keep_folder = '/var/dose/orthanc/physics',
}

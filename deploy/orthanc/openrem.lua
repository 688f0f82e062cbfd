-- OpenREM: Orthanc Lua script (deploy/orthanc/openrem.lua, see docs/orthanc.md).
--
-- Orthanc receives DICOM objects from scanners and query-retrieve moves. For every stored instance
-- this script decides whether OpenREM can use it; if so it posts the file to OpenREM's import
-- endpoint (POST /import/orthanc/, authenticated by an import token) and deletes the instance from
-- Orthanc once OpenREM has accepted it. Anything else is logged and deleted, except physics (QA)
-- studies and CT from the Toshiba/GE systems listed below, which stay in Orthanc until the study is
-- stable and are then handled by OnStableStudy.
--
-- Options: edit the table below, or define a global table `openrem_options` in a Lua file listed
-- BEFORE this one in the "LuaScripts" setting of orthanc.json; its keys replace the ones below (this
-- keeps the token out of the script you copy from the release).

local options = {
  -- OpenREM's import endpoint and the token printed by `openrem create_import_token orthanc`.
  openrem_url = 'http://127.0.0.1:8000/import/orthanc/',
  import_token = 'PASTE-THE-IMPORT-TOKEN-HERE',

  -- Lists of things to ignore: instances whose value contains one of these terms (case is ignored)
  -- are deleted and not sent to OpenREM. Set match_whole_value = true to require the whole value.
  manufacturers_to_ignore = {'Faxitron X-Ray LLC', 'Gendex-KaVo'},
  model_names_to_ignore = {'CR 85', 'CR 75', 'CR 35', 'CR 25', 'ADC_5146', 'CR975'},
  station_names_to_ignore = {'CR85 Main', 'CR75 Main'},
  software_versions_to_ignore = {'VixWin Platinum v3.3'},
  device_serial_numbers_to_ignore = {'SCB1312016'},
  match_whole_value = false,

  -- Physics filtering: studies whose patient name or ID contains one of physics_to_keep are not
  -- imported; when the study is stable it is saved as a zip file in physics_to_keep_folder (which
  -- the orthanc user must be able to write) and removed from Orthanc.
  use_physics_filtering = true,
  physics_to_keep = {'physics'},
  physics_to_keep_folder = '/var/dose/orthanc/physics',

  -- CT from these make/model pairs is kept until the study is stable; the stable-study handler then
  -- sends its dose objects (structured reports and secondary captures) and deletes the rest.
  use_toshiba_ct_extractor = true,
  toshiba_extractor_systems = {
    {'Toshiba', 'Aquilion'},
    {'GE Medical Systems', 'Discovery STE'},
  },

  -- Modalities Orthanc accepts at all (anything else is refused during the C-STORE).
  accepted_modalities = {'SR', 'CT', 'MG', 'CR', 'DX', 'PX', 'PT', 'NM', 'XA', 'RF'},

  -- A failed post (OpenREM down, overloaded...) is retried: first after retry_initial_s seconds, then
  -- doubling up to retry_max_s, until OpenREM takes the instance. Retries run when the study becomes
  -- stable (StableAge): the script stores a waiting instance again (needs "OverwriteInstances": true),
  -- which starts a new StableAge wait, so the checks go on until the retry list is empty.
  retry_initial_s = 30,
  retry_max_s = 600,
}

if type(openrem_options) == 'table' then
  for key, value in pairs(openrem_options) do
    options[key] = value
  end
end

-------------------------------------------------------------------------------------------------------
-- Nothing to configure below this line.
-------------------------------------------------------------------------------------------------------

-- SOP classes OpenREM imports whatever the modality: X-ray, radiopharmaceutical, enhanced and
-- comprehensive structured reports (RDSR, RRDSR and the older ESR-based dose reports).
local DOSE_REPORT_CLASSES = {
  ['1.2.840.10008.5.1.4.1.1.88.67'] = true,
  ['1.2.840.10008.5.1.4.1.1.88.68'] = true,
  ['1.2.840.10008.5.1.4.1.1.88.22'] = true,
  ['1.2.840.10008.5.1.4.1.1.88.33'] = true,
}
local SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7'
-- Image modalities whose headers OpenREM reads (mammography, radiography, nuclear medicine and PET).
local IMAGE_MODALITIES = {MG = true, CR = true, DX = true, PX = true, PT = true, NM = true}

local function trim(value)
  if value == nil then
    return ''
  end
  return (tostring(value):gsub('^%s+', ''):gsub('%s+$', ''))
end

local function lower(value)
  return string.lower(trim(value))
end

local function set_of(list)
  local set = {}
  for _, item in ipairs(list or {}) do
    set[string.upper(trim(item))] = true
  end
  return set
end

local ACCEPTED = set_of(options.accepted_modalities)

-- Whether `value` matches one of `terms` (case-insensitive; substring unless match_whole_value).
local function matches_any(value, terms)
  local text = lower(value)
  if text == '' then
    return false
  end
  for _, term in ipairs(terms or {}) do
    local wanted = lower(term)
    if wanted ~= '' then
      if options.match_whole_value then
        if text == wanted then
          return true
        end
      elseif string.find(text, wanted, 1, true) then
        return true
      end
    end
  end
  return false
end

local function describe(tags)
  return string.format('SOP class %s, modality %s, make %s, model %s, software %s, station %s',
    trim(tags.SOPClassUID), trim(tags.Modality), trim(tags.Manufacturer), trim(tags.ManufacturerModelName),
    trim(tags.SoftwareVersions), trim(tags.StationName))
end

-- The name of the ignore list `tags` matches, or nil.
local function ignored_by(tags)
  local checks = {
    {'Manufacturer', options.manufacturers_to_ignore, 'manufacturers_to_ignore'},
    {'ManufacturerModelName', options.model_names_to_ignore, 'model_names_to_ignore'},
    {'StationName', options.station_names_to_ignore, 'station_names_to_ignore'},
    {'SoftwareVersions', options.software_versions_to_ignore, 'software_versions_to_ignore'},
    {'DeviceSerialNumber', options.device_serial_numbers_to_ignore, 'device_serial_numbers_to_ignore'},
  }
  for _, check in ipairs(checks) do
    if matches_any(tags[check[1]], check[2]) then
      return check[3]
    end
  end
  return nil
end

local function is_physics(patient_name, patient_id)
  return options.use_physics_filtering
    and (matches_any(patient_name, options.physics_to_keep) or matches_any(patient_id, options.physics_to_keep))
end

local function is_toshiba_system(tags)
  if not options.use_toshiba_ct_extractor or string.upper(trim(tags.Modality)) ~= 'CT' then
    return false
  end
  local make, model = lower(tags.Manufacturer), lower(tags.ManufacturerModelName)
  for _, system in ipairs(options.toshiba_extractor_systems or {}) do
    local want_make, want_model = lower(system[1]), lower(system[2])
    if want_make ~= '' and want_model ~= ''
        and string.find(make, want_make, 1, true) and string.find(model, want_model, 1, true) then
      return true
    end
  end
  return false
end

-- Whether OpenREM has an importer for this instance.
local function importable(tags)
  local sop_class = trim(tags.SOPClassUID)
  if DOSE_REPORT_CLASSES[sop_class] then
    return true
  end
  if IMAGE_MODALITIES[string.upper(trim(tags.Modality))] then
    return true
  end
  return sop_class == SECONDARY_CAPTURE and string.find(lower(tags.Manufacturer), 'philips', 1, true) ~= nil
end

-- Send one instance to OpenREM; true when OpenREM accepted it (answer 2xx).
local function post_to_openrem(instance_id)
  local ok_file, body = pcall(RestApiGet, '/instances/' .. instance_id .. '/file')
  if not ok_file or body == nil or #body == 0 then
    print('OpenREM: could not read instance ' .. instance_id .. ' from Orthanc')
    return false
  end
  local headers = {
    ['Authorization'] = 'Bearer ' .. options.import_token,
    ['Content-Type'] = 'application/dicom',
  }
  -- HttpPost gives nil when OpenREM cannot be reached and an empty string for an HTTP error status
  -- (401 wrong token, 403 revoked, 400 not DICOM, 413 too large): only an answer naming the queued
  -- task means success.
  local ok, answer = pcall(HttpPost, options.openrem_url, body, headers)
  local task = nil
  if ok and type(answer) == 'string' and answer ~= '' then
    local parsed_ok, parsed = pcall(ParseJson, answer)
    if parsed_ok and type(parsed) == 'table' then
      task = parsed.task
    end
  end
  if task == nil then
    print('OpenREM: posting instance ' .. instance_id .. ' to ' .. options.openrem_url ..
      ' failed (OpenREM unreachable, wrong or revoked token, or object refused: see the Orthanc' ..
      ' and OpenREM logs); it stays in Orthanc')
    return false
  end
  print('OpenREM: instance ' .. instance_id .. ' queued for import as task ' .. tostring(task))
  return true
end

local function delete_instance(instance_id)
  RestApiDelete('/instances/' .. instance_id)
end

-- Instances whose post failed: id -> {attempts = n, due = os.time() of the next try}. The list lives as
-- long as Orthanc runs; after a restart, instances left in Orthanc are tried again when another
-- instance of their study arrives.
local retry = {}

local function waiting_count()
  local n = 0
  for _ in pairs(retry) do
    n = n + 1
  end
  return n
end

local function schedule_retry(instance_id)
  local entry = retry[instance_id] or {attempts = 0}
  entry.attempts = entry.attempts + 1
  local delay = math.min(options.retry_initial_s * 2 ^ (entry.attempts - 1), options.retry_max_s)
  entry.due = os.time() + delay
  retry[instance_id] = entry
  print(string.format('OpenREM: post of instance %s failed (attempt %d); next try in %d s (%d instance(s) ' ..
    'waiting for OpenREM)', instance_id, entry.attempts, delay, waiting_count()))
end

-- Post an instance and delete it from Orthanc when OpenREM took it; otherwise put it on the retry list.
local function send_and_delete(instance_id)
  if post_to_openrem(instance_id) then
    local entry = retry[instance_id]
    retry[instance_id] = nil
    if entry ~= nil then
      print(string.format('OpenREM: instance %s sent after %d failed attempt(s)', instance_id, entry.attempts))
    end
    delete_instance(instance_id)
  else
    schedule_retry(instance_id)
  end
end

-- Store an instance again (OverwriteInstances): Orthanc calls OnStoredInstance for it (origin "Lua")
-- and its study waits StableAge again, which is the timer of the retries.
local function store_again(instance_id)
  local ok, body = pcall(RestApiGet, '/instances/' .. instance_id .. '/file')
  if ok and body ~= nil and #body > 0 then
    pcall(RestApiPost, '/instances', body)
  end
end

local function safe_name(text)
  local cleaned = trim(text):gsub('[^%w%.%-]+', '_')
  if cleaned == '' then
    return 'unknown'
  end
  return string.sub(cleaned, 1, 64)
end

-- Only accept the modalities OpenREM can use (runs during the C-STORE, before storage).
function ReceivedInstanceFilter(dicom, origin, info)
  local modality = string.upper(trim(dicom.Modality))
  if ACCEPTED[modality] then
    return true
  end
  local remote = (type(origin) == 'table' and (origin.RemoteAet or origin.RemoteIp)) or '?'
  print('OpenREM: refused an instance of modality "' .. modality .. '" from ' .. tostring(remote))
  return false
end

function OnStoredInstance(instance_id, tags, metadata, origin)
  local entry = retry[instance_id]
  if entry ~= nil and type(origin) == 'table' and origin.RequestOrigin == 'Lua' then
    -- stored again by this script: a retry when it is due, else only the restart of the stable timer
    if os.time() >= entry.due then
      send_and_delete(instance_id)
    end
    return
  end
  if is_physics(tags.PatientName, tags.PatientID) then
    print('OpenREM: physics study, instance ' .. instance_id .. ' kept until the study is stable')
    return
  end
  local list = ignored_by(tags)
  if list ~= nil then
    print('OpenREM: deleting instance matching ' .. list .. ': ' .. describe(tags))
    delete_instance(instance_id)
    return
  end
  if is_toshiba_system(tags) then
    print('OpenREM: Toshiba extractor system, instance ' .. instance_id .. ' kept until the study is stable')
    return
  end
  if not importable(tags) then
    print('OpenREM: no importer, deleting instance: ' .. describe(tags))
    delete_instance(instance_id)
    return
  end
  send_and_delete(instance_id)
end

-- Save a physics study as a zip file in physics_to_keep_folder; true on success.
local function save_physics_study(study_id, study)
  local patient = study.PatientMainDicomTags or {}
  local main = study.MainDicomTags or {}
  local name = string.format('%s/%s_%s_%s.zip', options.physics_to_keep_folder, safe_name(main.StudyDate),
    safe_name(patient.PatientName or patient.PatientID), string.sub(study_id, 1, 8))
  local ok, archive = pcall(RestApiGet, '/studies/' .. study_id .. '/archive')
  if not ok or archive == nil then
    print('OpenREM: could not make the archive of physics study ' .. study_id)
    return false
  end
  local handle = io.open(name, 'wb')
  if handle == nil then
    print('OpenREM: cannot write ' .. name .. ' (does physics_to_keep_folder exist and is it writable?)')
    return false
  end
  handle:write(archive)
  handle:close()
  print('OpenREM: physics study saved as ' .. name)
  return true
end

function OnStableStudy(study_id, tags, metadata)
  local study = ParseJson(RestApiGet('/studies/' .. study_id))
  local patient = study.PatientMainDicomTags or {}
  if is_physics(patient.PatientName, patient.PatientID) then
    if save_physics_study(study_id, study) then
      RestApiDelete('/studies/' .. study_id)
    end
    return
  end
  -- Toshiba/GE CT kept on arrival; instances on the retry list are stored again (tried when due), one
  -- at least, so that the study becomes stable again later and the retries go on.
  local waiting, restored = nil, false
  for _, instance in ipairs(ParseJson(RestApiGet('/studies/' .. study_id .. '/instances'))) do
    local instance_tags = ParseJson(RestApiGet('/instances/' .. instance.ID .. '/simplified-tags'))
    local entry = retry[instance.ID]
    if entry ~= nil then
      waiting = waiting or instance.ID
      if os.time() >= entry.due then
        store_again(instance.ID)
        restored = true
      end
    elseif is_toshiba_system(instance_tags) then
      local sop_class = trim(instance_tags.SOPClassUID)
      if DOSE_REPORT_CLASSES[sop_class] or sop_class == SECONDARY_CAPTURE then
        send_and_delete(instance.ID)
      else
        delete_instance(instance.ID)
      end
    elseif importable(instance_tags) and ignored_by(instance_tags) == nil then
      send_and_delete(instance.ID)
    else
      delete_instance(instance.ID)
    end
    if retry[instance.ID] ~= nil then
      waiting = waiting or instance.ID
    end
  end
  if waiting ~= nil and not restored then
    store_again(waiting)
  end
end

print('OpenREM: Lua script loaded, posting to ' .. options.openrem_url)
